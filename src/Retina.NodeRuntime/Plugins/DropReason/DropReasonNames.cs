using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins.DropReason;

/// <summary>
/// Names of the kernel's drop reasons, read from kernel BTF (enum skb_drop_reason: its numbers
/// differ between kernels), and Retina's six coarse names as aliases for its dashboards.
/// </summary>
public sealed class DropReasonNames
{
    private readonly Dictionary<uint, string> names;

    public DropReasonNames(IEnumerable<(string Name, long Value)> members)
    {
        names = [];
        foreach (var (name, value) in members)
        {
            names.TryAdd((uint)value, Strip(name));
        }
    }

    /// <summary>Reads the running kernel's enum; null without BTF or the enum.</summary>
    public static DropReasonNames? FromKernel()
    {
        var members = Btf.ReadEnum("skb_drop_reason");
        return members is { Count: > 0 } ? new DropReasonNames(members) : null;
    }

    public int Count => names.Count;

    /// <summary>The kernel's name without the SKB_DROP_REASON_ prefix, e.g. NETFILTER_DROP; unknown values get a stable made-up name.</summary>
    public string Name(uint reason)
    {
        if (names.TryGetValue(reason, out var n))
        {
            return n;
        }

        // Values above 0xffff carry a subsystem in the high bits (mac80211, openvswitch…).
        return (reason >> 16) != 0 ? $"SUBSYS_{reason >> 16}_{reason & 0xffff}" : $"UNKNOWN_{reason}";
    }

    /// <summary>
    /// Retina's coarse reason for a kernel reason name. Retina learnt IPTABLE_RULE_DROP from
    /// netfilter; its NAT, conntrack and TCP connect/accept/close reasons came from kprobes that
    /// have no one-to-one kernel drop reason, so everything else is UNKNOWN_DROP.
    /// </summary>
    public static string RetinaAlias(string kernelName) => kernelName switch
    {
        "NETFILTER_DROP" => "IPTABLE_RULE_DROP",
        _ => "UNKNOWN_DROP",
    };

    private static string Strip(string name) =>
        name.StartsWith("SKB_DROP_REASON_", StringComparison.Ordinal) ? name["SKB_DROP_REASON_".Length..]
        : name.StartsWith("SKB_", StringComparison.Ordinal) ? name["SKB_".Length..]
        : name;
}
