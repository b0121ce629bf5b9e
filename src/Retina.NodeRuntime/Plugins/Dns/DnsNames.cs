namespace Retina.NodeRuntime.Plugins.Dns;

/// <summary>
/// Mnemonics for DNS record types and response codes (RFC 1035, 3596, 6891, 9460…). Response codes
/// are spelled as Retina's DNS dashboard filters them (<c>return_code="NoError"</c>), not in the
/// upper case of the RFCs.
/// </summary>
public static class DnsNames
{
    private static readonly string[] Rcodes =
        ["NoError", "FormErr", "ServFail", "NXDomain", "NotImp", "Refused", "YXDomain", "YXRRSet", "NXRRSet", "NotAuth", "NotZone"];

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
