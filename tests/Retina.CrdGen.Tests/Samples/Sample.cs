using System.Text.Json;
using System.Text.Json.Nodes;
using Retina.Api;
using Retina.Api.Common;
using Retina.Testing.Repo;
using Retina.Kube.Store;

namespace Retina.CrdGen.Tests.Samples;

/// <summary>A sample file: its JSON, the typed object, and (for invalid samples) the field path it must be rejected for.</summary>
public sealed record Sample(string File, JsonObject Json, string? RejectedFor)
{
    private const string RejectedMarker = "# rejected-for:";

    public override string ToString() => Path.GetRelativePath(RepoPaths.Root, File);

    public ResourceKind Kind => ResourceKinds.ByKind(Json["kind"]!.GetValue<string>())
        ?? throw new InvalidOperationException($"{this}: unknown kind {Json["kind"]}");

    public IResource Typed() => (IResource)Json.Deserialize(Kind.Type)!;

    public static IEnumerable<Sample> Load(string directory)
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Combine(directory), "*.yaml").Order(StringComparer.Ordinal))
        {
            var text = System.IO.File.ReadAllText(file);
            var rejected = text.Split('\n').FirstOrDefault(l => l.StartsWith(RejectedMarker, StringComparison.Ordinal))?[RejectedMarker.Length..].Trim();
            foreach (var doc in YamlJson.ParseAll(text))
            {
                yield return new Sample(file, doc, rejected);
            }
        }
    }

    public static TheoryData<string> Files(string directory)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Combine(directory), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return data;
    }
}
