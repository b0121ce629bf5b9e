using Retina.Controllers.Capture;
using Retina.Kube.Client;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Credentials;

/// <summary>
/// Decides what one node may have: the output credentials of a Capture only while that Capture is assigned to the
/// node (its key is in the node's own <c>NodeRuntime.spec.captures</c>, which only the controllers write) and still
/// exists with the same uid. Withdrawing the assignment ends the access; nothing is cached on either side.
/// </summary>
public sealed class NodeCredentialResolver(IKubeClient client)
{
    private readonly CaptureCredentials credentials = new(client);

    /// <summary>Which of the node's assignment lists the key is looked up in.</summary>
    public enum WorkKind
    {
        Capture,
        Trace,
    }

    /// <param name="key">The assignment key, <c>namespace/name/uid</c>.</param>
    public Task<NodeCredentialAnswer> ResolveAsync(string nodeName, string key, CancellationToken ct) => ResolveAsync(nodeName, key, WorkKind.Capture, ct);

    /// <summary>
    /// The same for a TraceSession: only while its key is in the node's own <c>NodeRuntime.spec.traces</c> and the
    /// TraceSession still exists with that uid (a deleted one that is still stopping keeps its credentials until released).
    /// </summary>
    public async Task<NodeCredentialAnswer> ResolveAsync(string nodeName, string key, WorkKind kind, CancellationToken ct)
    {
        if (kind == WorkKind.Trace)
        {
            return await ResolveTraceAsync(nodeName, key, ct).ConfigureAwait(false);
        }

        var runtime = await client.GetAsync<NodeRuntimeObject>(nodeName, null, ct).ConfigureAwait(false);
        if (runtime?.Spec.Captures?.Any(a => a.Key == key) != true)
        {
            return NodeCredentialAnswer.Refused(403, $"capture {key} is not assigned to node {nodeName}");
        }

        var parts = key.Split('/');
        if (parts.Length != 3)
        {
            return NodeCredentialAnswer.Refused(400, $"\"{key}\" is not a capture key (namespace/name/uid)");
        }

        var capture = await client.GetAsync<Api.Capture.Capture>(parts[1], parts[0], ct).ConfigureAwait(false);
        if (capture is null || capture.Metadata.Uid != parts[2])
        {
            return NodeCredentialAnswer.Refused(404, $"capture {parts[0]}/{parts[1]} with uid {parts[2]} no longer exists");
        }

        var (values, path, problem) = await credentials.ReadAsync(capture, ct).ConfigureAwait(false);
        return problem is null ? NodeCredentialAnswer.Ok(values) : NodeCredentialAnswer.Refused(404, $"{path}: {problem}");
    }

    private async Task<NodeCredentialAnswer> ResolveTraceAsync(string nodeName, string key, CancellationToken ct)
    {
        var runtime = await client.GetAsync<NodeRuntimeObject>(nodeName, null, ct).ConfigureAwait(false);
        if (runtime?.Spec.Traces?.Any(a => a.Key == key) != true)
        {
            return NodeCredentialAnswer.Refused(403, $"trace {key} is not assigned to node {nodeName}");
        }

        var parts = key.Split('/');
        if (parts.Length != 3)
        {
            return NodeCredentialAnswer.Refused(400, $"\"{key}\" is not a trace key (namespace/name/uid)");
        }

        var trace = await client.GetAsync<Api.TraceSession.TraceSession>(parts[1], parts[0], ct).ConfigureAwait(false);
        if (trace is null || trace.Metadata.Uid != parts[2])
        {
            return NodeCredentialAnswer.Refused(404, $"trace {parts[0]}/{parts[1]} with uid {parts[2]} no longer exists");
        }

        if (trace.Spec.OutputConfiguration is not { } output)
        {
            return NodeCredentialAnswer.Ok(new Api.NodeRuntime.NodeCaptureCredentials());
        }

        var (values, path, problem) = await credentials.ReadAsync(output, parts[0], "spec.outputConfiguration", ct).ConfigureAwait(false);
        return problem is null ? NodeCredentialAnswer.Ok(values) : NodeCredentialAnswer.Refused(404, $"{path}: {problem}");
    }
}
