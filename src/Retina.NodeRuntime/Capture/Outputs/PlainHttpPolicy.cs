namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>
/// Uploads go over https only: a blob container SAS or S3 signing over plain http would cross the
/// network readable by anyone on the path. A cluster admin may list endpoints (emulators such as
/// Azurite or a MinIO on loopback) where plain http is allowed: <c>host</c> (any port) or
/// <c>host:port</c>, matched case-insensitively.
/// </summary>
public sealed class PlainHttpPolicy(IReadOnlyList<string> allowed)
{
    public static readonly PlainHttpPolicy HttpsOnly = new([]);

    public IReadOnlyList<string> Allowed { get; } = allowed;

    /// <summary>Why <paramref name="uri"/> may not be used for <paramref name="output"/>, or null when it may. Names host and port only, never the path or query (a SAS).</summary>
    public string? Refusal(Uri uri, string output)
    {
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        var where = $"{uri.Host}:{uri.Port}";
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            return $"{output}: scheme '{uri.Scheme}' of {where} is not https";
        }

        return Allowed.Any(a => Matches(a, uri))
            ? null
            : $"{output}: plain http to {where} refused: the credentials would cross the network in clear; use https (an admin may allow an emulator endpoint in the node runtime's PlainHttpOutputEndpoints)";
    }

    private static bool Matches(string entry, Uri uri)
    {
        var probe = Uri.TryCreate("http://" + entry, UriKind.Absolute, out var e) ? e : null;
        if (probe is null || !string.Equals(probe.Host, uri.Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // "host" alone: any port; "host:port": that port only
        return !entry.TrimEnd(']').Contains(':', StringComparison.Ordinal) || entry.EndsWith("]", StringComparison.Ordinal) || probe.Port == uri.Port;
    }
}
