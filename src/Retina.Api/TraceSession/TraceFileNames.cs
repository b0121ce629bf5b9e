namespace Retina.Api.TraceSession;

/// <summary>
/// A trace's file names on one node, &lt;trace&gt;-&lt;node&gt;-&lt;yyyyMMddHHmmss&gt;UTC[-n].jsonl.gz, in the order
/// they were written: by timestamp, then n. Node and controllers both order by it (the PVC copies), so the order needs
/// no clock and survives a runtime restart and files deleted in between. Pure.
/// </summary>
public static class TraceFileNames
{
    public const string Extension = ".jsonl.gz";

    /// <summary>Negative when <paramref name="a"/> was written before <paramref name="b"/> (both names of one trace on one node).</summary>
    public static int Compare(string a, string b)
    {
        var (sa, na) = Order(a);
        var (sb, nb) = Order(b);
        var c = string.CompareOrdinal(sa, sb);
        return c != 0 ? c : na.CompareTo(nb);
    }

    private static (string Stamp, int Sequence) Order(string name)
    {
        var stem = name.EndsWith(Extension, StringComparison.Ordinal) ? name[..^Extension.Length] : name;
        var utc = stem.LastIndexOf("UTC", StringComparison.Ordinal);
        if (utc < 14)
        {
            return (stem, 0);
        }

        var rest = stem[(utc + 3)..];
        return (stem[(utc - 14)..utc], rest.StartsWith('-') && int.TryParse(rest[1..], out var n) ? n : 0);
    }
}
