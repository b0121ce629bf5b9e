using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Credentials;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// Stands in for the controllers' answer on node-level tests (the journey test goes through the real HTTPS endpoint):
/// the values, or the refusal the endpoint would give. Counts how often the node asked.
/// </summary>
internal sealed class StaticTraceCredentials(NodeCaptureCredentials? values, string? problem = null) : ITraceCredentialSource
{
    private int asked;

    public int Asked => Volatile.Read(ref asked);

    public Task<CredentialFetch> FetchAsync(NodeTraceAssignment trace, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref asked);
        return Task.FromResult(values is null ? new CredentialFetch(null, problem) : new CredentialFetch(values, null));
    }
}
