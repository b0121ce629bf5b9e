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
/// is the breach's since, and the labels are node plus the top contributor's namespace and pod when the node knows them.
/// </summary>
public static class ThresholdEpisode
{
    /// <summary>How a breach's labels map onto the target, whatever targetFromAlertLabels says for alerts.</summary>
    public static readonly AlertLabelMapping Mapping = new() { Namespace = "namespace", Pod = "pod", Node = "node" };

    public static Alert Alert(string node, NodeTriggerStatus breach, ThresholdTrigger threshold, Policy policy)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "threshold:" + threshold.Metric, ["node"] = node };

        // A pod elsewhere than the policy's namespace can be captured only through a podSelector in the template: without
        // one, the node (where the pod runs) is the target.
        var podInReach = breach.Pod is { Length: > 0 } && breach.Namespace is { Length: > 0 } ns
            && (ns == policy.Metadata.NamespaceProperty || policy.Spec.CaptureTemplate.CaptureConfiguration.CaptureTarget?.PodSelector is not null);
        if (podInReach)
        {
            labels["namespace"] = breach.Namespace!;
            labels["pod"] = breach.Pod!;
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
