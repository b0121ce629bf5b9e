using System.Text.Json.Nodes;
using Retina.Testing.Netns;

namespace Retina.CrdGen.Tests.Yaml;

/// <summary>Debian's PyYAML (python3-yaml, a YAML 1.1 parser, installed by scripts/install-deps.sh) as the judge of our YAML.</summary>
public static class PyYaml
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys, yaml
        out = []
        for path in sys.argv[1:]:
            try:
                with open(path) as f:
                    out.append({"path": path, "docs": [d for d in yaml.safe_load_all(f) if d is not None]})
            except Exception as e:
                out.append({"path": path, "error": "%s: %s" % (type(e).__name__, e)})
        print(json.dumps(out, default=lambda o: {"__python_type__": type(o).__name__, "value": str(o)}))
        """;

    /// <summary>Loads every file with <c>yaml.safe_load_all</c>; each entry holds the documents as JSON or the error.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonObject>> LoadAllAsync(IReadOnlyList<string> paths)
    {
        File.Exists(Python).ShouldBeTrue($"{Python} missing: run scripts/install-deps.sh (python3 python3-yaml)");
        var result = await Shell.RunAsync(Python, ["-c", Script, .. paths]);
        result.ExitCode.ShouldBe(0, result.StdErr);
        return JsonNode.Parse(result.StdOut)!.AsArray()
            .Select(n => n!.AsObject())
            .ToDictionary(o => o["path"]!.GetValue<string>(), o => o, StringComparer.Ordinal);
    }
}
