using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.TraceSession;

/// <summary>Optional narrowing of a trace: an event is kept when it matches every list that is set (and any entry within a list).</summary>
public sealed class TraceFilters
{
    private const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

    /// <summary>An IPv4 address or CIDR, or an IPv6 one (checked loosely here, exactly by the validator).</summary>
    public const string AddressOrCidrPattern = "^(" + Octet + "\\.){3}" + Octet + "(/(3[0-2]|[12]?[0-9]))?$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?$";

    /// <summary>Addresses or CIDRs (IPv4 or IPv6) either end of the event must fall in.</summary>
    [MaxItems(64)]
    [ItemPattern(AddressOrCidrPattern)]
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>Ports (source or destination) the event must carry.</summary>
    [MaxItems(64)]
    [JsonPropertyName("ports")]
    public List<int>? Ports { get; set; }

    /// <summary>Protocols: tcp, udp, icmp.</summary>
    [MaxItems(3)]
    [ItemValues("tcp", "udp", "icmp")]
    [JsonPropertyName("protocols")]
    public List<string>? Protocols { get; set; }
}
