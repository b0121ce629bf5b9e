using System.Text.Json.Nodes;
using static Retina.Controllers.Tests.Privilege.RenderedManifests;

namespace Retina.Controllers.Tests.Privilege;

/// <summary>The ValidatingAdmissionPolicy that pins a node runtime's NodeRuntime writes to its own node ships in base, and says what it means.</summary>
public sealed class OwnNodePolicyTests
{
    private const string PolicyName = "retina-node-runtime-own-node";
    private const string NodeRuntimeUser = "system:serviceaccount:retina-system:retina-node-runtime";
    private const string NodeNameExtra = "authentication.kubernetes.io/node-name";

    [Theory]
    [MemberData(nameof(Overlays), MemberType = typeof(RenderedManifests))]
    public async Task Every_overlay_ships_the_policy_bound_to_deny(string overlay)
    {
        var docs = await OverlayAsync(overlay);
        var policy = Single(docs, "ValidatingAdmissionPolicy", PolicyName);
        var binding = Single(docs, "ValidatingAdmissionPolicyBinding", PolicyName);
        policy["apiVersion"]!.GetValue<string>().ShouldBe("admissionregistration.k8s.io/v1");
        policy["spec"]!["failurePolicy"]!.GetValue<string>().ShouldBe("Fail", "an unevaluable policy must not let writes through");
        binding["spec"]!["policyName"]!.GetValue<string>().ShouldBe(PolicyName);
        Strings(binding["spec"]!["validationActions"]).ShouldBe(["Deny"]);

        var rules = (JsonArray)policy["spec"]!["matchConstraints"]!["resourceRules"]!;
        Strings(rules.Single()!["resources"]).ShouldBe(["noderuntimes", "noderuntimes/status"], ignoreOrder: true);
        Strings(rules.Single()!["operations"]).ShouldBe(["CREATE", "UPDATE", "DELETE"], ignoreOrder: true);
        Single(docs, "ServiceAccount", "retina-node-runtime")["metadata"]!["namespace"]!.GetValue<string>()
            .ShouldBe("retina-system", "the policy's matchCondition names this service account");
        policy["spec"]!["matchConditions"]![0]!["expression"]!.GetValue<string>().ShouldContain($"\"{NodeRuntimeUser}\"");
    }

    public static TheoryData<string, string, string, string, string?, string?, bool, string?> Cases() => new()
    {
        // who (node claim), operation, object name, subresource, spec before, spec after, allowed, message
        { "node-a", "UPDATE", "node-a", "status", "{}", "{}", true, null },
        { "node-a", "UPDATE", "node-b", "status", "{}", "{}", false, "a node runtime may only write the NodeRuntime of its own node, not node-b" },
        { "", "UPDATE", "node-a", "status", "{}", "{}", false, "a node runtime may only write the NodeRuntime of its own node, not node-a" },
        { "node-a", "UPDATE", "node-a", "", "{\"plugins\":[\"dns\"]}", "{\"plugins\":[\"dns\",\"packetparser\"]}", false, "the node runtime may not change NodeRuntime.spec; the controllers own it" },
        { "node-a", "UPDATE", "node-a", "", null, "{\"plugins\":[\"dns\"]}", false, "the node runtime may not change NodeRuntime.spec; the controllers own it" },
        { "node-a", "UPDATE", "node-a", "", "{\"plugins\":[\"dns\"]}", "{\"plugins\":[\"dns\"]}", true, null },
        { "node-a", "CREATE", "node-b", "", null, "{}", false, "a node runtime may only write the NodeRuntime of its own node, not node-b" },
        { "node-a", "DELETE", "node-b", "", "{}", null, false, "a node runtime may only write the NodeRuntime of its own node, not node-b" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_node_runtime_writes_only_its_own_NodeRuntime_and_never_its_spec(string node, string operation, string name, string subResource,
        string? oldSpec, string? newSpec, bool allowed, string? message)
    {
        var evaluator = new AdmissionPolicyEvaluator(await PolicyAsync());
        var extra = node.Length == 0 ? new Dictionary<string, string[]>() : new Dictionary<string, string[]> { [NodeNameExtra] = [node] };
        var verdict = evaluator.Evaluate(new(NodeRuntimeUser, extra, operation, name, subResource, Obj(newSpec, operation != "DELETE"), Obj(oldSpec, operation != "CREATE")));
        verdict.Matched.ShouldBeTrue();
        verdict.Allowed.ShouldBe(allowed, verdict.Message);
        verdict.Message.ShouldBe(message);
        if (!allowed)
        {
            verdict.Reason.ShouldBe("Forbidden");
        }
    }

    [Theory]
    [InlineData("system:serviceaccount:retina-system:retina-controllers")]
    [InlineData("alice")]
    public async Task Other_users_are_not_constrained_by_it(string user)
    {
        var evaluator = new AdmissionPolicyEvaluator(await PolicyAsync());
        var verdict = evaluator.Evaluate(new(user, new Dictionary<string, string[]>(), "UPDATE", "node-b", "", Obj("{\"plugins\":[\"x\"]}", true), Obj("{}", true)));
        verdict.Matched.ShouldBeFalse("RBAC decides for them");
        verdict.Allowed.ShouldBeTrue();
    }

    private static async Task<JsonObject> PolicyAsync() =>
        Single(await RenderAsync(Retina.Testing.Repo.RepoPaths.Combine("kustomize", "base")), "ValidatingAdmissionPolicy", PolicyName);

    private static JsonObject? Obj(string? spec, bool exists)
    {
        if (!exists)
        {
            return null;
        }

        var o = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x" } };
        if (spec is not null)
        {
            o["spec"] = JsonNode.Parse(spec);
        }

        return o;
    }
}
