using System.Net;
using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Events;
using CaptureObject = Retina.Api.Capture.Capture;
using Policy = Retina.Api.CapturePolicy.CapturePolicy;

namespace Retina.Controllers.Alerts;

/// <summary>
/// spec.stopOnResolved: when what fired a child ends (its alert is posted resolved, its node's breach is over), the child
/// still running gets the annotation <see cref="StopRequestedAnnotation"/> with the reason. Children are the controller's
/// own objects (not in Git), so an annotation is the early stop's record; the Capture reconciler passes it to the nodes,
/// which finish the capture as if its duration had ended. Policies without the option, finished children and episodes
/// that created no child are left alone.
/// </summary>
public sealed class ResolvedStopper(IKubeClient client, EventRecorder events)
{
    public const string StopRequestedAnnotation = "retina.sh/stop-requested";

    /// <summary>Requests the stop; true when it annotated a child now.</summary>
    /// <param name="policyKey">namespace/name of the policy.</param>
    /// <param name="episodeKey">The episode as recorded in status.firings[].episode.</param>
    public async Task<bool> StopAsync(string policyKey, string trigger, string episodeKey, string reason, CancellationToken ct)
    {
        var parts = policyKey.Split('/');
        if (parts.Length != 2)
        {
            return false;
        }

        try
        {
            var policy = await client.GetAsync<Policy>(parts[1], parts[0], ct).ConfigureAwait(false);
            return policy?.Spec.StopOnResolved == true && await StopAsync(policy, trigger, episodeKey, reason, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when ((int)e.StatusCode >= 500 || e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict)
        {
            throw new AlertTransientException(e);
        }
    }

    public async Task<bool> StopAsync(Policy policy, string trigger, string episodeKey, string reason, CancellationToken ct)
    {
        if (policy.Spec.StopOnResolved != true)
        {
            return false;
        }

        var firing = (policy.Status?.Firings ?? []).FirstOrDefault(f => f.Episode == episodeKey && f.Trigger == trigger && f.Outcome == "Created" && f.Capture is not null);
        if (firing is null)
        {
            return false;
        }

        var ns = policy.Metadata.NamespaceProperty;
        var child = await client.GetAsync<CaptureObject>(firing.Capture!, ns, ct).ConfigureAwait(false);
        if (child is null || Api.Capture.CapturePhase.IsFinished(child.Status?.Phase)
            || child.Metadata.Annotations?.ContainsKey(StopRequestedAnnotation) == true)
        {
            return false;
        }

        var text = reason.Length <= 256 ? reason : reason[..255] + "…";
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [StopRequestedAnnotation] = text } } };
        try
        {
            child = await client.PatchAsync<CaptureObject>(child.Metadata.Name, ns, KubePatch.Merge(patch), ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await events.RecordAsync(child, EventRecorder.Normal, "StopRequested", $"{text}: CapturePolicy {policy.Metadata.Name} has stopOnResolved, stopping early", ct).ConfigureAwait(false);
        return true;
    }
}
