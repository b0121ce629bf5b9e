namespace Retina.NodeRuntime.Plugins.Dns;

/// <summary>Mnemonics for DNS record types and response codes (RFC 1035, 3596, 6891, 9460…).</summary>
public static class DnsNames
{
    private static readonly string[] Rcodes =
        ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

    public static string Rcode(int rcode) => rcode >= 0 && rcode < Rcodes.Length ? Rcodes[rcode] : "RCODE" + rcode;

    public static string Type(ushort type) => type switch
    {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        64 => "SVCB",
        65 => "HTTPS",
        255 => "ANY",
        257 => "CAA",
        _ => "TYPE" + type,
    };
}
