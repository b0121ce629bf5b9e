using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.Crds;

public sealed class CrdFreshnessTests
{
    [Fact]
    public void Committed_crds_equal_what_the_generator_writes_from_the_types()
    {
        var temp = Directory.CreateTempSubdirectory("retina-crds-");
        try
        {
            CrdGenerator.WriteAll(temp.FullName);
            var generated = Directory.GetFiles(temp.FullName).Select(Path.GetFileName).Order().ToList();
            var committed = Directory.GetFiles(RepoPaths.Combine("crds")).Select(Path.GetFileName).Order().ToList();
            committed.ShouldBe(generated, "crds/ holds other files than the generator writes: run `make crds`");
            foreach (var name in generated)
            {
                File.ReadAllText(RepoPaths.Combine("crds", name!)).ShouldBe(
                    File.ReadAllText(Path.Combine(temp.FullName, name!)),
                    $"crds/{name} is stale: run `make crds` and commit the result");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
