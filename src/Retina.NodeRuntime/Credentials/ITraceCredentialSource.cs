using Retina.Api.NodeRuntime;

namespace Retina.NodeRuntime.Credentials;

/// <summary>Where a node gets the output credentials of a TraceSession assigned to it (the rule and route captures use, under <c>/traces/</c>).</summary>
public interface ITraceCredentialSource
{
    /// <returns>The values, or a message saying why there are none (the trace's uploads then fail with it).</returns>
    Task<CredentialFetch> FetchAsync(NodeTraceAssignment trace, CancellationToken cancellationToken);
}
