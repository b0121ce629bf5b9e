using System.Collections.Immutable;
using System.Net;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>
/// The API server endpoints this node knows, by source ("cluster" from the <c>kubernetes</c> EndpointSlice,
/// "configured" from the runtime's options). Written by the runtime host, read by the apiserverlatency
/// plugin before each probe round; readers never block writers.
/// </summary>
public sealed class ApiServerEndpointSet
{
    private ImmutableDictionary<string, ImmutableArray<IPEndPoint>> bySource = ImmutableDictionary<string, ImmutableArray<IPEndPoint>>.Empty;

    /// <summary>Replaces what <paramref name="source"/> knows.</summary>
    public void Set(string source, IEnumerable<IPEndPoint> endpoints) =>
        ImmutableInterlocked.Update(ref bySource, (d, e) => d.SetItem(source, e), endpoints.Distinct().ToImmutableArray());

    /// <summary>Every known endpoint, each once, in a stable order.</summary>
    public IReadOnlyList<IPEndPoint> Current =>
        Volatile.Read(ref bySource).Values.SelectMany(v => v).Distinct().OrderBy(e => e.ToString(), StringComparer.Ordinal).ToList();
}
