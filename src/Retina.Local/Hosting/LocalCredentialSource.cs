using Retina.Api.NodeRuntime;
using Retina.Controllers.Credentials;
using Retina.Kube.Client;
using Retina.NodeRuntime.Credentials;

namespace Retina.Local.Hosting;

/// <summary>
/// Local mode runs the controllers and this host's runtime in one process, so the runtime asks the controllers'
/// credential resolver directly: the same rule as the HTTPS endpoint (only captures assigned to this node), with
/// no token to present because there is no other node to impersonate.
/// </summary>
public sealed class LocalCredentialSource(IKubeClient store, string nodeName) : ICaptureCredentialSource, ITraceCredentialSource
{
    private readonly NodeCredentialResolver resolver = new(store);

    public async Task<CredentialFetch> FetchAsync(NodeCaptureAssignment assignment, CancellationToken cancellationToken)
    {
        if (!CredentialFetch.Needed(assignment))
        {
            return CredentialFetch.None;
        }

        var answer = await resolver.ResolveAsync(nodeName, assignment.Key, cancellationToken).ConfigureAwait(false);
        return answer.Values is { } values ? CredentialFetch.Checked(assignment, values) : new(null, answer.Message);
    }

    /// <summary>The same for a TraceSession assigned to this host (the rule of GET /node-credentials/v1/traces/...).</summary>
    public async Task<CredentialFetch> FetchAsync(NodeTraceAssignment trace, CancellationToken cancellationToken)
    {
        var asCapture = new NodeCaptureAssignment { Key = trace.Key, BlobSecret = trace.BlobSecret, S3 = trace.S3 };
        if (!CredentialFetch.Needed(asCapture))
        {
            return CredentialFetch.None;
        }

        var answer = await resolver.ResolveAsync(nodeName, trace.Key, NodeCredentialResolver.WorkKind.Trace, cancellationToken).ConfigureAwait(false);
        return answer.Values is { } values ? CredentialFetch.Checked(asCapture, values) : new(null, answer.Message);
    }
}
