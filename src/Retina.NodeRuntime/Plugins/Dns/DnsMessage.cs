namespace Retina.NodeRuntime.Plugins.Dns;

/// <summary>What the dns plugin needs from one DNS message.</summary>
public sealed record DnsMessage(ushort Id, bool IsResponse, int Rcode, string QueryName, ushort QueryType, int AnswerCount, IReadOnlyList<string> Addresses)
{
    /// <summary>The smallest TTL (seconds) of the answer records read; null when none was read (a query, an empty answer).</summary>
    public uint? MinTtl { get; init; }

    public string RcodeName => DnsNames.Rcode(Rcode);

    public string QueryTypeName => DnsNames.Type(QueryType);
}
