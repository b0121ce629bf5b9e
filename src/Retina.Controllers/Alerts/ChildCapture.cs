using System.Text.RegularExpressions;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.Kube.Json;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// The child Capture a firing creates: the policy's captureTemplate, its target taken from the alert's labels as
/// targetFromAlertLabels says, named after the episode, owned by the policy and labelled so the policy finds its children.
/// </summary>
public static partial class ChildCapture
{
    public const string PolicyLabel = "retina.sh/capture-policy";
    public const string TriggerLabel = "retina.sh/capture-policy-trigger";
    public const string EpisodeAnnotation = "retina.sh/alert-episode";
    public const string AlertAnnotation = "retina.sh/alert-name";
    public const string GeneratorAnnotation = "retina.sh/alert-generator-url";
    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";
    private const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>The child, or why the alert gives it nothing to capture (the firing's NoTarget message).</summary>
    /// <param name="mapping">Which labels name the target; default the policy's targetFromAlertLabels (a node threshold passes its own).</param>
    public static (Api.Capture.Capture? Child, string? NoTarget) Build(Policy policy, string trigger, Alert alert, Api.CapturePolicy.AlertLabelMapping? mapping = null)
    {
        var own = policy.Metadata.NamespaceProperty;
        var spec = KubeJson.FromNode<CaptureSpec>(KubeJson.ToNode(policy.Spec.CaptureTemplate));
        var (target, noTarget) = Target(policy, mapping ?? policy.Spec.TargetFromAlertLabels, alert, spec.CaptureConfiguration.CaptureTarget);
        if (target is null)
        {
            return (null, noTarget);
        }

        spec.CaptureConfiguration.CaptureTarget = target;
        var episode = AlertEpisode.Of(alert);
        var child = new Api.Capture.Capture
        {
            Metadata = new V1ObjectMeta
            {
                Name = episode.ChildName(policy.Metadata.Name, trigger),
                NamespaceProperty = own,
                Labels = new Dictionary<string, string> { [PolicyLabel] = policy.Metadata.Name, [TriggerLabel] = trigger },
                Annotations = Annotations(alert, episode),
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = RetinaGroup.ApiVersion, Kind = Policy.KindName, Name = policy.Metadata.Name, Uid = policy.Metadata.Uid,
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = spec,
        };
        var report = new CaptureValidator().Validate(child);
        return report.IsValid ? (child, null) : (null, $"the child Capture the alert asks for is invalid: {report.Summary()}");
    }

    private static Dictionary<string, string> Annotations(Alert alert, AlertEpisode episode)
    {
        var annotations = new Dictionary<string, string> { [EpisodeAnnotation] = episode.Key, [AlertAnnotation] = alert.Name };
        if (alert.GeneratorUrl is { Length: > 0 and <= 2048 } url)
        {
            annotations[GeneratorAnnotation] = url;
        }

        return annotations;
    }

    private static (CaptureTarget? Target, string? NoTarget) Target(Policy policy, Api.CapturePolicy.AlertLabelMapping? mapping, Alert alert, CaptureTarget? template)
    {
        var own = policy.Metadata.NamespaceProperty;
        var labels = alert.Labels ?? [];
        string? Value(string? label) => label is not null && labels.TryGetValue(label, out var v) && v.Length > 0 ? v : null;

        var ns = Value(mapping?.Namespace);
        var pod = Value(mapping?.Pod);
        var node = Value(mapping?.Node) is { } n ? WithoutPort(n) : null;
        if (ns is not null && !DnsLabel().IsMatch(ns))
        {
            return (null, $"alert label \"{mapping!.Namespace}\" is \"{ns}\", not a namespace name");
        }

        if (pod is not null && !DnsSubdomain().IsMatch(pod))
        {
            return (null, $"alert label \"{mapping!.Pod}\" is \"{pod}\", not a pod name");
        }

        if (node is not null && !DnsSubdomain().IsMatch(node))
        {
            return (null, $"alert label \"{mapping!.Node}\" is \"{node}\", not a node name");
        }

        if (pod is not null && (ns is null || ns == own))
        {
            return (new CaptureTarget { PodNames = [pod] }, null);
        }

        if (ns is not null && ns != own)
        {
            if (pod is not null && template?.PodSelector is null)
            {
                return (null, $"the alert names pod {ns}/{pod}, outside the policy's namespace {own}: a Capture names pods only in its own namespace; give captureTemplate a podSelector to capture pods of other namespaces");
            }

            return (new CaptureTarget
            {
                NamespaceSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [NamespaceNameLabel] = ns } },
                PodSelector = template?.PodSelector ?? new LabelSelector(),
            }, null);
        }

        if (node is not null)
        {
            return (new CaptureTarget { NodeSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [HostnameLabel] = node } } }, null);
        }

        if (template is not null && (template.NodeSelector ?? template.PodSelector ?? template.NamespaceSelector) is not null
            || template?.PodNames is { Count: > 0 } || template?.WorkloadRef is not null)
        {
            return (template, null);
        }

        var mapped = new[] { ("namespace", mapping?.Namespace), ("pod", mapping?.Pod), ("node", mapping?.Node) }
            .Where(m => m.Item2 is not null).Select(m => $"{m.Item1} from \"{m.Item2}\"").ToList();
        return (null, mapped.Count == 0
            ? "captureTemplate has no target and targetFromAlertLabels maps no label"
            : $"the alert carries none of the labels targetFromAlertLabels maps ({string.Join(", ", mapped)}) and captureTemplate has no target");
    }

    /// <summary>An <c>instance</c> label is usually host:port; the node is the host part.</summary>
    private static string WithoutPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && value.IndexOf(':') == colon && int.TryParse(value.AsSpan(colon + 1), out _) ? value[..colon] : value;
    }

    [GeneratedRegex(Names.Dns1123LabelPattern)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(Names.Dns1123SubdomainPattern)]
    private static partial Regex DnsSubdomain();
}
