using System.Security.Cryptography;
using System.Text;
using Retina.Api.CapturePolicy;
using Retina.Api.Common;
using Retina.Api.NodeRuntime;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// A node's threshold breach seen as an alert, so it fires through the same claim, limits, naming and events: the
/// fingerprint names the node (node names longer than 100 characters are hashed to keep the episode key short), startsAt
/// is the breach's since, and the labels are node plus the top contributor's namespace and pod when the node knows them
/// (recorded in the firing's labels).
/// </summary>
public static class ThresholdEpisode
{
    /// <summary>
    /// How a breach's labels map onto the target, whatever targetFromAlertLabels says for alerts: a template with no target
    /// or a nodeSelector captures the node that breached; any other template target (pods, namespaces, a workload) is kept
    /// as it is, so a threshold never makes a pod-targeted policy node-wide. The top pod is recorded, not used to narrow: a
    /// node capture holds its traffic, and a pod target would reach beyond what the policy was authorized for.
    /// </summary>
    public static AlertLabelMapping Mapping(Policy policy) =>
        policy.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget is { NodeSelector: null } ? new AlertLabelMapping() : new AlertLabelMapping { Node = "node" };

    public static Alert Alert(string node, NodeTriggerStatus breach, ThresholdTrigger threshold)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "threshold:" + threshold.Metric, ["node"] = node };
        if (breach.Pod is { Length: > 0 } pod && breach.Namespace is { Length: > 0 } ns)
        {
            labels["namespace"] = ns;
            labels["pod"] = pod;
        }

        return new Alert
        {
            Status = "firing", Labels = labels, Fingerprint = Fingerprint(node), StartsAt = new DateTimeOffset(DateTime.SpecifyKind(breach.Since!.Value, DateTimeKind.Utc)),
        };
    }

    /// <summary>What status.firings[].source says: which node's threshold, at what rate.</summary>
    public static string Source(string node, NodeTriggerStatus breach, ThresholdTrigger threshold)
    {
        var what = threshold.Metric + (threshold.Reason is { } r ? " " + r : "") + (threshold.Rcodes is { Count: > 0 } c ? " " + string.Join("|", c) : "");
        var pod = breach.Pod is { Length: > 0 } ? $", top pod {breach.Namespace}/{breach.Pod}" : "";
        return $"node {node} threshold: {what} {breach.Value ?? "?"}/s above {threshold.Above}/s for {GoDuration.Format(threshold.Window())}{pod}";
    }

    public static string Fingerprint(string node) =>
        "node:" + (node.Length <= 100 ? node : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node)))[..32]);

    /// <summary>The episode key (as AlertEpisode writes it) of a node's breach, to find its firing in the policy's status.</summary>
    public static string Key(string node, DateTime since) =>
        new AlertEpisode(Fingerprint(node), new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc))).Key;
}
