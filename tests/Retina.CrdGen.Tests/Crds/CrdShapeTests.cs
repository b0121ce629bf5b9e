using System.Text.Json.Nodes;
using Retina.Api;

namespace Retina.CrdGen.Tests.Crds;

public sealed class CrdShapeTests
{
    public static TheoryData<string, string[]> PrinterColumns() => new()
    {
        { "MetricsConfiguration", ["State", "Nodes Ready", "Age"] },
        { "Capture", ["Phase", "Nodes", "Active", "Succeeded", "Failed", "Age"] },
        { "TraceSession", ["Phase", "Events", "Top Drop Reason", "Age"] },
        { "ShellSession", ["Phase", "Target", "Expires", "Age"] },
        { "CapturePolicy", ["Armed", "Fired", "Last Fired", "Age"] },
        { "NodeRuntime", ["Plugins", "Captures", "Kernel", "Heartbeat", "Age"] },
    };

    [Theory]
    [MemberData(nameof(PrinterColumns))]
    public void Each_kind_shows_the_designed_columns_in_kubectl_get(string kind, string[] columns)
    {
        var version = CrdSchemas.LoadCrd(kind)["spec"]!["versions"]![0]!;
        var shown = version["additionalPrinterColumns"]!.AsArray()
            .Where(c => c!["priority"] is null)
            .Select(c => c!["name"]!.GetValue<string>()).ToArray();
        shown.ShouldBe(columns);
    }

    [Fact]
    public void Every_crd_has_the_status_subresource_the_retina_category_and_a_structural_schema()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var crd = CrdSchemas.LoadCrd(kind.Kind);
            var version = crd["spec"]!["versions"]![0]!;
            version["subresources"]!["status"].ShouldNotBeNull();
            crd["spec"]!["names"]!["categories"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldContain("retina");
            crd["spec"]!["scope"]!.GetValue<string>().ShouldBe(kind.ClusterScoped ? "Cluster" : "Namespaced");
            AssertStructural(version["schema"]!["openAPIV3Schema"]!.AsObject(), kind.Kind, inJunctor: false);
        }
    }

    /// <summary>
    /// The API server's structural rules: every schema outside a junctor states its type; schemas inside
    /// allOf/anyOf/oneOf/not carry only value validations (no type, description, default, nullable).
    /// </summary>
    private static void AssertStructural(JsonObject schema, string path, bool inJunctor)
    {
        if (inJunctor)
        {
            foreach (var forbidden in new[] { "type", "description", "default", "nullable", "additionalProperties" })
            {
                schema.ContainsKey(forbidden).ShouldBeFalse($"{path}: '{forbidden}' inside a junctor is not structural");
            }
        }
        else
        {
            schema.ContainsKey("type").ShouldBeTrue($"{path}: every schema needs a type");
        }

        foreach (var (key, value) in schema)
        {
            switch (key)
            {
                case "properties":
                    foreach (var (name, child) in value!.AsObject())
                    {
                        AssertStructural(child!.AsObject(), $"{path}.{name}", inJunctor);
                    }

                    break;
                case "items" or "additionalProperties" when value is JsonObject child:
                    AssertStructural(child, $"{path}[]", inJunctor);
                    break;
                case "not":
                    AssertStructural(value!.AsObject(), $"{path}(not)", inJunctor: true);
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    foreach (var child in value!.AsArray())
                    {
                        AssertStructural(child!.AsObject(), $"{path}({key})", inJunctor: true);
                    }

                    break;
            }
        }
    }
}
