using System.Text.Json.Nodes;
using Cel;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>
/// Evaluates a ValidatingAdmissionPolicy the way the API server does, with a real CEL engine (the Cel package):
/// resource rules and operations select the request, every matchCondition must hold, then the validations run in order
/// and the first false one denies with its message (messageExpression evaluated). A real API server evaluates the same
/// policy in tests/e2e; this catches a wrong expression without one.
/// </summary>
internal sealed class AdmissionPolicyEvaluator(JsonObject policy)
{
    private readonly CelEnvironment cel = new(null, null);

    public sealed record Request(string Username, IReadOnlyDictionary<string, string[]> Extra, string Operation, string Name, string SubResource,
        JsonObject? Object, JsonObject? OldObject, string Resource = "noderuntimes");

    public sealed record Verdict(bool Matched, bool Allowed, string? Message, string? Reason);

    public Verdict Evaluate(Request request)
    {
        var spec = policy["spec"]!;
        var resource = request.SubResource.Length == 0 ? request.Resource : $"{request.Resource}/{request.SubResource}";
        var selected = (spec["matchConstraints"]!["resourceRules"] as JsonArray ?? []).Any(rule =>
            RenderedManifests.Strings(rule!["resources"]).Contains(resource) &&
            RenderedManifests.Strings(rule["operations"]).Contains(request.Operation));
        var variables = Variables(request);
        if (!selected || (spec["matchConditions"] as JsonArray ?? []).Any(c => !Bool(c!["expression"]!.GetValue<string>(), variables)))
        {
            return new(false, true, null, null);
        }

        foreach (var validation in (spec["validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Bool(validation["expression"]!.GetValue<string>(), variables))
            {
                continue;
            }

            var message = validation["messageExpression"] is { } expression
                ? (string)Run(expression.GetValue<string>(), variables)!
                : validation["message"]?.GetValue<string>();
            return new(true, false, message, validation["reason"]?.GetValue<string>());
        }

        return new(true, true, null, null);
    }

    private bool Bool(string expression, Dictionary<string, object?> variables) => Run(expression, variables) is true;

    private object? Run(string expression, Dictionary<string, object?> variables) => cel.Compile(expression).Invoke(variables);

    private static Dictionary<string, object?> Variables(Request r)
    {
        // Only the operation's objects exist: CREATE has no oldObject, DELETE no object (as on the server: null).
        var userInfo = new Dictionary<string, object?>
        {
            ["username"] = r.Username,
            ["extra"] = r.Extra.ToDictionary(e => e.Key, e => (object?)e.Value.Cast<object?>().ToList()),
        };
        var request = new Dictionary<string, object?>
        {
            ["userInfo"] = userInfo,
            ["operation"] = r.Operation,
            ["name"] = r.Name,
            ["subResource"] = r.SubResource,
        };
        return new() { ["request"] = request, ["object"] = Plain(r.Object), ["oldObject"] = Plain(r.OldObject) };
    }

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        _ => node.GetValue<double>(),
    };
}
