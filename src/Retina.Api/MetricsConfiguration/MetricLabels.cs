namespace Retina.Api.MetricsConfiguration;

/// <summary>
/// The label tokens a context option may name (Retina's tokens), and the one rule for reading them that admission,
/// the controllers' merge and the node share: a token is matched case-insensitively (Retina lower-cases it, so its
/// own e2e configuration's <c>podName</c> means <c>podname</c>) and a token no one knows is ignored (Retina skips it,
/// so its advanced test profile's <c>pod</c> adds no label). We also name ignored tokens in status.
/// </summary>
public static class MetricLabels
{
    public const string Ip = "ip";
    public const string Namespace = "namespace";
    public const string PodName = "podname";
    public const string Workload = "workload";
    public const string Service = "service";
    public const string Port = "port";
    public const string Zone = "zone";
    public const string Direction = "direction";
    public const string IsReply = "is_reply";

    /// <summary>Order in which context labels are emitted, whatever order the user wrote them in.</summary>
    public static readonly string[] ContextOrder = [Ip, Namespace, PodName, Workload, Service, Port, Zone];

    /// <summary>Order in which additional labels are emitted.</summary>
    public static readonly string[] AdditionalOrder = [Direction, IsReply];

    /// <summary>The known token <paramref name="token"/> stands for, in any case, or null when it is not one of <paramref name="known"/>.</summary>
    public static string? Normalize(string? token, IReadOnlyList<string> known)
    {
        if (token is null)
        {
            return null;
        }

        var trimmed = token.Trim();
        foreach (var k in known)
        {
            if (string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>The known tokens of <paramref name="tokens"/>, normalised, once each, in <paramref name="order"/>; unknown ones are dropped.</summary>
    public static List<string> Known(IEnumerable<string>? tokens, IReadOnlyList<string> order)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tokens ?? [])
        {
            if (Normalize(t, order) is { } k)
            {
                seen.Add(k);
            }
        }

        return order.Where(seen.Contains).ToList();
    }

    /// <summary>Context tokens (source and destination labels), normalised and ordered.</summary>
    public static List<string> Context(IEnumerable<string>? tokens) => Known(tokens, ContextOrder);

    /// <summary>Additional tokens, normalised and ordered.</summary>
    public static List<string> Additional(IEnumerable<string>? tokens) => Known(tokens, AdditionalOrder);
}
