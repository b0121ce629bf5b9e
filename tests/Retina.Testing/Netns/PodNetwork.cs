namespace Retina.Testing.Netns;

/// <summary>
/// A "node" network namespace with "pods" behind veths, wired like a routed CNI: each pod has a
/// /32 address and a default route via 169.254.1.1 to its host-side veth in the node namespace,
/// which routes /32s back to the pods. Static neighbours and IPv6 off keep packet counts exact.
/// The node also owns <see cref="NodeAddress"/> (on lo) for servers such as DNS. Addresses come
/// from 10.200.250.0–10.200.255.255, one /28 per fixture. Disposing deletes every namespace.
/// With <c>ipv6</c> the same layout is dual-stack: each pod also gets a /128 from fd00:200:&lt;fixture&gt;::/64
/// and a default route via fe80::1 (a static neighbour: the host veth's MAC), the node forwards IPv6 and
/// owns <see cref="NodeAddress6"/>; duplicate address detection is off so addresses work at once.
/// </summary>
public sealed class PodNetwork : IAsyncDisposable
{
    private static int next = Random.Shared.Next(0, 96);
    private readonly List<string> namespaces = [];
    private readonly int block;
    private readonly string tag;
    private readonly bool ipv6;

    private PodNetwork(int n, string tag, bool ipv6)
    {
        block = n;
        this.tag = tag;
        this.ipv6 = ipv6;
        Node = tag + "n";
        InterfacePrefix = $"rp{n}h";
        NodeAddress = Address(15);
        NodeAddress6 = ipv6 ? Address6(15) : null;
    }

    /// <summary>A pod; <paramref name="Address6"/> is set when the network is dual-stack.</summary>
    public sealed record Pod(string Namespace, string HostVeth, string PodVeth, string Address, string? Address6 = null);

    /// <summary>The node's namespace (holds the host-side veths).</summary>
    public string Node { get; }

    /// <summary>Prefix of every host-side veth of this fixture.</summary>
    public string InterfacePrefix { get; }

    /// <summary>An address of the node itself (on its lo), reachable from every pod.</summary>
    public string NodeAddress { get; }

    /// <summary>The node's IPv6 address (on its lo) when the network is dual-stack.</summary>
    public string? NodeAddress6 { get; }

    public List<Pod> Pods { get; } = [];

    /// <summary>Creates the node and <paramref name="pods"/> pods (at most 14); IPv4 only unless <paramref name="ipv6"/>.</summary>
    public static Task<PodNetwork> CreateAsync(string prefix, int pods, bool ipv6 = false) => CreateAsync(prefix, Enumerable.Repeat<string?>(null, pods).ToArray(), ipv6);

    /// <summary>Creates the node and one pod per entry, its host-side veth named as given (null: the fixture's prefix).</summary>
    public static async Task<PodNetwork> CreateAsync(string prefix, string?[] hostVeths, bool ipv6 = false)
    {
        var pods = hostVeths.Length;
        var n = Interlocked.Increment(ref next) % 96;
        var net = new PodNetwork(n, $"{prefix}{Environment.ProcessId % 10000}y{n}", ipv6);
        try
        {
            await net.ExecNodeSetupAsync();
            for (var i = 0; i < pods; i++)
            {
                await net.AddPodAsync(hostVeths[i]);
            }
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }

        return net;
    }

    private string Address(int i) => $"10.200.{250 + block / 16}.{block % 16 * 16 + i}";

    private string Address6(int i) => $"fd00:200:{block:x}::{i:x}";

    /// <summary>Turns IPv6 on (or keeps it off) for a namespace's existing and future interfaces.</summary>
    private async Task ConfigureIpv6Async(string ns)
    {
        var off = ipv6 ? "0" : "1";
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=" + off);
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=" + off);
        if (ipv6)
        {
            await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
            await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
        }
    }

    private async Task ExecNodeSetupAsync()
    {
        await Shell.CheckAsync("ip", "netns", "add", Node);
        namespaces.Add(Node);
        await ConfigureIpv6Async(Node);
        if (ipv6)
        {
            await NetnsPair.ExecAsync(Node, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        }
        await NetnsPair.ExecAsync(Node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        await NetnsPair.ExecAsync(Node, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        await NetnsPair.ExecAsync(Node, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
        await NetnsPair.ExecAsync(Node, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
        await NetnsPair.ExecAsync(Node, "ip", "link", "set", "lo", "up");
        await NetnsPair.ExecAsync(Node, "ip", "addr", "add", NodeAddress + "/32", "dev", "lo");
        if (NodeAddress6 is not null)
        {
            await NetnsPair.ExecAsync(Node, "ip", "-6", "addr", "add", NodeAddress6 + "/128", "dev", "lo", "nodad");
        }
    }

    /// <summary>The block's first address: the "remote" node's pod address once <see cref="AddRemoteNodeAsync"/> ran.</summary>
    public string RemoteAddress => Address(0);

    /// <summary>The remote node's namespace, once added.</summary>
    public string? Remote { get; private set; }

    /// <summary>The node's default-route interface toward the remote node.</summary>
    public const string UplinkInterface = "eth0";

    /// <summary>
    /// Adds a "remote node": a namespace reached through the node's default-route interface
    /// (<see cref="UplinkInterface"/>), holding <see cref="RemoteAddress"/> and routing the
    /// block's pods back through the node, as cross-node traffic leaves a real node.
    /// </summary>
    public async Task<string> AddRemoteNodeAsync()
    {
        var ns = tag + "r";
        await Shell.CheckAsync("ip", "netns", "add", ns);
        namespaces.Add(ns);
        Remote = ns;
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        await Shell.CheckAsync("ip", "link", "add", UplinkInterface, "netns", Node, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await NetnsPair.ExecAsync(ns, "ip", "link", "set", "lo", "up");
        foreach (var (n, local, peer) in new[] { (Node, "169.254.200.1", "169.254.200.2"), (ns, "169.254.200.2", "169.254.200.1") })
        {
            await NetnsPair.ExecAsync(n, "sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1");
            await NetnsPair.ExecAsync(n, "ip", "addr", "add", local + "/30", "dev", "eth0");
            await NetnsPair.ExecAsync(n, "ip", "link", "set", "eth0", "up");
        }

        await NetnsPair.ExecAsync(ns, "ip", "addr", "add", RemoteAddress + "/32", "dev", "lo");
        await NetnsPair.ExecAsync(Node, "ip", "route", "add", "default", "via", "169.254.200.2", "dev", "eth0");
        await NetnsPair.ExecAsync(ns, "ip", "route", "add", $"10.200.{250 + block / 16}.{block % 16 * 16}/28", "via", "169.254.200.1", "dev", "eth0");
        var nodeMac = (await NetnsPair.ExecAsync(Node, "cat", "/sys/class/net/eth0/address")).Trim();
        var remoteMac = (await NetnsPair.ExecAsync(ns, "cat", "/sys/class/net/eth0/address")).Trim();
        await NetnsPair.ExecAsync(Node, "ip", "neigh", "replace", "169.254.200.2", "lladdr", remoteMac, "dev", "eth0", "nud", "permanent");
        await NetnsPair.ExecAsync(ns, "ip", "neigh", "replace", "169.254.200.1", "lladdr", nodeMac, "dev", "eth0", "nud", "permanent");
        return ns;
    }

    /// <summary>Adds one more pod (and its veth) to the node; <paramref name="hostVeth"/> names its host side as a CNI would.</summary>
    public async Task<Pod> AddPodAsync(string? hostVeth = null)
    {
        var i = Pods.Count + 1;
        if (i > 14)
        {
            throw new InvalidOperationException("at most 14 pods per PodNetwork");
        }

        var ns = $"{tag}p{i}";
        var pod = new Pod(ns, hostVeth ?? $"{InterfacePrefix}{i}", $"rp{block}p{i}", Address(i), ipv6 ? Address6(i) : null);
        await Shell.CheckAsync("ip", "netns", "add", ns);
        namespaces.Add(ns);
        await ConfigureIpv6Async(ns);
        await NetnsPair.ExecAsync(ns, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        await Shell.CheckAsync("ip", "link", "add", pod.HostVeth, "netns", Node, "type", "veth", "peer", "name", pod.PodVeth, "netns", ns);
        if (!ipv6)
        {
            await NetnsPair.ExecAsync(Node, "sysctl", "-qw", $"net.ipv6.conf.{pod.HostVeth}.disable_ipv6=1");
            await NetnsPair.ExecAsync(ns, "sysctl", "-qw", $"net.ipv6.conf.{pod.PodVeth}.disable_ipv6=1");
        }

        await NetnsPair.ExecAsync(ns, "ip", "link", "set", "lo", "up");
        await NetnsPair.ExecAsync(ns, "ip", "link", "set", pod.PodVeth, "up");
        await NetnsPair.ExecAsync(Node, "ip", "link", "set", pod.HostVeth, "up");
        await NetnsPair.ExecAsync(ns, "ip", "addr", "add", pod.Address + "/32", "dev", pod.PodVeth);
        await NetnsPair.ExecAsync(ns, "ip", "route", "add", "169.254.1.1", "dev", pod.PodVeth, "scope", "link");
        await NetnsPair.ExecAsync(ns, "ip", "route", "add", "default", "via", "169.254.1.1", "dev", pod.PodVeth);
        await NetnsPair.ExecAsync(Node, "ip", "route", "add", pod.Address + "/32", "dev", pod.HostVeth);
        var hostMac = (await NetnsPair.ExecAsync(Node, "cat", $"/sys/class/net/{pod.HostVeth}/address")).Trim();
        var podMac = (await NetnsPair.ExecAsync(ns, "cat", $"/sys/class/net/{pod.PodVeth}/address")).Trim();
        await NetnsPair.ExecAsync(ns, "ip", "neigh", "replace", "169.254.1.1", "lladdr", hostMac, "dev", pod.PodVeth, "nud", "permanent");
        await NetnsPair.ExecAsync(Node, "ip", "neigh", "replace", pod.Address, "lladdr", podMac, "dev", pod.HostVeth, "nud", "permanent");
        if (pod.Address6 is not null)
        {
            await NetnsPair.ExecAsync(ns, "ip", "-6", "addr", "add", pod.Address6 + "/128", "dev", pod.PodVeth, "nodad");
            await NetnsPair.ExecAsync(ns, "ip", "-6", "neigh", "replace", "fe80::1", "lladdr", hostMac, "dev", pod.PodVeth, "nud", "permanent");
            await NetnsPair.ExecAsync(ns, "ip", "-6", "route", "add", "default", "via", "fe80::1", "dev", pod.PodVeth);
            await NetnsPair.ExecAsync(Node, "ip", "-6", "route", "add", pod.Address6 + "/128", "dev", pod.HostVeth);
            await NetnsPair.ExecAsync(Node, "ip", "-6", "neigh", "replace", pod.Address6, "lladdr", podMac, "dev", pod.HostVeth, "nud", "permanent");
        }

        Pods.Add(pod);
        return pod;
    }

    /// <summary>Deletes a pod's namespace (its veth goes with it).</summary>
    public async Task RemovePodAsync(Pod pod)
    {
        await Shell.RunAsync("ip", ["netns", "del", pod.Namespace]);
        namespaces.Remove(pod.Namespace);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in Enumerable.Reverse(namespaces).ToList())
        {
            await Shell.RunAsync("ip", ["netns", "del", ns]);
        }

        namespaces.Clear();
    }
}
