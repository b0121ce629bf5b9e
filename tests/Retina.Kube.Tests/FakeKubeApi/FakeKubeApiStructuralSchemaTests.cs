using System.Net;
using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;
using static Retina.Kube.Tests.FakeKubeApi.FakeKubeApiSchemaTests;

namespace Retina.Kube.Tests.FakeKubeApi;

/// <summary>
/// The structural-schema rules our CRDs do not use yet (nullable, int-or-string, preserve-unknown-fields, nested
/// defaults, maps) and Go's regex meaning, on a CRD of the test's own.
/// </summary>
public sealed class FakeKubeApiStructuralSchemaTests : IDisposable
{
    private const string Gizmos = "/apis/test.retina.sh/v1/namespaces/default/gizmos";

    private readonly string crdDirectory = Directory.CreateTempSubdirectory("gizmo-crd-").FullName;

    public FakeKubeApiStructuralSchemaTests() => File.WriteAllText(Path.Combine(crdDirectory, "gizmos.yaml"), """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gizmos.test.retina.sh}
        spec:
          group: test.retina.sh
          names: {kind: Gizmo, plural: gizmos}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      port: {x-kubernetes-int-or-string: true}
                      note: {type: string, nullable: true}
                      plain: {type: string}
                      name: {type: string, pattern: '^[a-z]+$'}
                      word: {type: string, pattern: '^\S+$'}
                      digits: {type: string, pattern: '^\d+$'}
                      raw: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {known: {type: object, properties: {a: {type: string}}}}}
                      limits: {type: object, additionalProperties: {type: object, properties: {max: {type: integer, default: 10}}}}
                      tuning:
                        type: object
                        default: {}
                        properties:
                          mode: {type: string, default: fast, enum: [fast, slow]}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
        """);

    public void Dispose() => Directory.Delete(crdDirectory, recursive: true);

    [Fact]
    public async Task Int_or_string_nullable_preserved_fields_maps_and_nested_defaults_behave_as_on_a_real_server()
    {
        await using var server = await StartAsync();
        var (code, body) = await SendAsync(server, HttpMethod.Post, Gizmos, Gizmo("""
            {"port": "http", "note": null, "plain": null, "raw": {"anything": [1, {"x": 2}], "known": {"a": "b", "gone": 1}},
             "limits": {"cpu": {"extra": 1}}}
            """));

        code.ShouldBe(HttpStatusCode.Created, body.ToJsonString());
        var spec = body["spec"]!.AsObject();
        spec["port"]!.GetValue<string>().ShouldBe("http");
        spec.ContainsKey("note").ShouldBeTrue("a nullable null is kept");
        spec.ContainsKey("plain").ShouldBeFalse("a non-nullable null is dropped");
        spec["raw"]!["anything"]!.AsArray().Count.ShouldBe(2);
        spec["raw"]!["known"]!["a"]!.GetValue<string>().ShouldBe("b");
        spec["raw"]!["known"]!["gone"].ShouldBeNull("under preserve-unknown-fields, declared properties are still pruned");
        spec["limits"]!["cpu"]!["extra"].ShouldBeNull();
        spec["limits"]!["cpu"]!["max"]!.GetValue<int>().ShouldBe(10);
        spec["tuning"]!["mode"]!.GetValue<string>().ShouldBe("fast");

        (code, _) = await SendAsync(server, HttpMethod.Post, Gizmos, Gizmo("""{"port": 8080}""", "g2"));
        code.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_int_or_string_that_is_neither_is_a_type_cause()
    {
        await using var server = await StartAsync();
        var (code, body) = await SendAsync(server, HttpMethod.Post, Gizmos, Gizmo("""{"port": true}"""));

        code.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var cause = body["details"]!["causes"]![0]!;
        cause["reason"]!.GetValue<string>().ShouldBe("FieldValueTypeInvalid");
        cause["field"]!.GetValue<string>().ShouldBe("spec.port");
    }

    [Theory]
    [InlineData("name", "abc\n", false)]   // Go's $ is the end of text; .NET's would also match before a final newline
    [InlineData("name", "abc", true)]
    [InlineData("word", "a\u00a0b", true)] // Go's \s is ASCII, so a no-break space is \S
    [InlineData("word", "a b", false)]
    [InlineData("digits", "\u0663", false)] // Go's \d is ASCII: an Arabic-Indic three is not a digit
    [InlineData("digits", "42", true)]
    public async Task Patterns_match_with_Go_meaning(string field, string value, bool accepted)
    {
        await using var server = await StartAsync();
        var spec = new JsonObject { [field] = value };
        var (code, body) = await SendAsync(server, HttpMethod.Post, Gizmos, Gizmo(spec.ToJsonString()));

        code.ShouldBe(accepted ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity, body.ToJsonString());
    }

    private Task<FakeKubeApiServer> StartAsync() => FakeKubeApiServer.StartAsync(o =>
    {
        o.CustomResources.Add(new ResourceDescriptor("test.retina.sh", "v1", "gizmos", "Gizmo", Namespaced: true));
        o.CrdDirectory = crdDirectory;
    });

    private static string Gizmo(string spec, string name = "g") =>
        $$"""{"apiVersion":"test.retina.sh/v1","kind":"Gizmo","metadata":{"name":"{{name}}"},"spec":{{spec}}}""";
}
