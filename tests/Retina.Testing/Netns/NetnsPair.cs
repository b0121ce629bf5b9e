namespace Retina.Testing.Netns;

/// <summary>
/// Two network namespaces joined by a veth pair, with static ARP, IPv6 off and ICMP rate limits off,
/// so packet counts are exact. Addresses come from 10.200.0.0/16, one /30 per fixture, chosen from a
/// per-process counter so tests can run in parallel. Disposing deletes both namespaces, even after a failure.
/// </summary>
public sealed class NetnsPair : IAsyncDisposable
{
    private static int next = Random.Shared.Next(0, 4000);

    public required string NamespaceA { get; init; }
    public required string NamespaceB { get; init; }
    public required string VethA { get; init; }
    public required string VethB { get; init; }
    public required string AddressA { get; init; }
    public required string AddressB { get; init; }

    public static async Task<NetnsPair> CreateAsync(string prefix)
    {
        var n = Interlocked.Increment(ref next) % 16000;
        var tag = $"{prefix}{Environment.ProcessId % 10000}x{n}";
        var block = n * 4;
        var baseAddr = $"10.200.{block / 256}.";
        var pair = new NetnsPair
        {
            NamespaceA = $"{tag}a",
            NamespaceB = $"{tag}b",
            VethA = $"v{n}a",
            VethB = $"v{n}b",
            AddressA = baseAddr + (block % 256 + 1),
            AddressB = baseAddr + (block % 256 + 2),
        };
        try
        {
            await pair.SetUpAsync();
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }

        return pair;
    }

    private async Task SetUpAsync()
    {
        await Shell.CheckAsync("ip", "netns", "add", NamespaceA);
        await Shell.CheckAsync("ip", "netns", "add", NamespaceB);
        await Shell.CheckAsync("ip", "link", "add", VethA, "netns", NamespaceA, "type", "veth", "peer", "name", VethB, "netns", NamespaceB);
        foreach (var (ns, dev, addr) in new[] { (NamespaceA, VethA, AddressA), (NamespaceB, VethB, AddressB) })
        {
            await ExecAsync(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            await ExecAsync(ns, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
            await ExecAsync(ns, "ip", "addr", "add", addr + "/30", "dev", dev);
            await ExecAsync(ns, "ip", "link", "set", "lo", "up");
            await ExecAsync(ns, "ip", "link", "set", dev, "up");
        }

        var macA = (await ExecAsync(NamespaceA, "cat", $"/sys/class/net/{VethA}/address")).Trim();
        var macB = (await ExecAsync(NamespaceB, "cat", $"/sys/class/net/{VethB}/address")).Trim();
        await ExecAsync(NamespaceA, "ip", "neigh", "replace", AddressB, "lladdr", macB, "dev", VethA, "nud", "permanent");
        await ExecAsync(NamespaceB, "ip", "neigh", "replace", AddressA, "lladdr", macA, "dev", VethB, "nud", "permanent");
    }

    /// <summary>Runs a command inside a namespace (a child process; the test process stays where it is).</summary>
    public static Task<string> ExecAsync(string ns, string file, params string[] args) =>
        Shell.CheckAsync("ip", ["netns", "exec", ns, file, .. args]);

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in new[] { NamespaceA, NamespaceB })
        {
            await Shell.RunAsync("ip", ["netns", "del", ns]);
        }
    }
}
