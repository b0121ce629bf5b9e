using System.Text.Json.Nodes;
using NJsonSchema;
using Retina.Testing.Repo;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>src/Retina.NodeRuntime/Trace/flow-line.schema.json, the published shape of a trace line, checking lines.</summary>
internal static class FlowLineSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(RepoPaths.Combine("src", "Retina.NodeRuntime", "Trace", "flow-line.schema.json"))).GetAwaiter().GetResult());

    public static void ShouldAllMatch(IEnumerable<JsonObject> lines)
    {
        foreach (var line in lines)
        {
            var json = line.ToJsonString();
            var errors = Schema.Value.Validate(json);
            errors.ShouldBeEmpty($"{json}: {string.Join("; ", errors.Select(e => e.Path + " " + e.Kind))}");
        }
    }
}
