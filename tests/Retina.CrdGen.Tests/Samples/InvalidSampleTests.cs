using Retina.CrdGen.Tests.Crds;

namespace Retina.CrdGen.Tests.Samples;

public sealed class InvalidSampleTests
{
    private const string Directory = "config/samples/invalid";

    public static TheoryData<string> InvalidFiles() => Sample.Files(Directory);

    [Fact]
    public void There_are_at_least_15_invalid_samples_each_naming_its_field_path()
    {
        var samples = Sample.Load(Directory).ToList();
        samples.Count.ShouldBeGreaterThanOrEqualTo(15);
        samples.ShouldAllBe(s => !string.IsNullOrEmpty(s.RejectedFor));
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Every_invalid_sample_is_rejected_by_the_validator_at_its_field_path(string file)
    {
        var sample = Sample.Load(Directory).Single(s => s.ToString() == file);
        var report = sample.Kind.Validate(sample.Typed());
        report.Errors.Select(e => e.Path).ShouldContain(sample.RejectedFor, $"validator said: {report.Summary()}");
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Every_invalid_sample_is_rejected_by_the_CRD_schema_at_its_field_path(string file)
    {
        var sample = Sample.Load(Directory).Single(s => s.ToString() == file);
        var errors = CrdSchemas.Validate(sample.Json);
        errors.ShouldContain(
            e => SchemaPathMatches(e, sample.RejectedFor!),
            $"schema said: {string.Join("; ", errors.Select(e => $"{e.Path} ({e.Kind})"))}");
    }

    /// <summary>
    /// A schema reports a rule that spans properties (exclusive groups, "requires") at the object that
    /// holds them; the validator names the property. Both point at the same place.
    /// </summary>
    private static bool SchemaPathMatches(SchemaError error, string path)
    {
        if (error.Path == path)
        {
            return true;
        }

        var parent = path.Contains('.') ? path[..path.LastIndexOf('.')] : "";
        return error.Path == parent && error.Kind is "NotAnyOf" or "NotOneOf" or "NotAllOf" or "ExcludedSchemaValidates";
    }
}
