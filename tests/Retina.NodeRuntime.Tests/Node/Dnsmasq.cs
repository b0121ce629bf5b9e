using System.Diagnostics;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>A real dnsmasq serving A/AAAA records (UDP and TCP) on one address inside a namespace; NXDOMAIN for the rest of its domain.</summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    private readonly Process process;
    private readonly string dir;

    private Dnsmasq(Process process, string dir)
    {
        this.process = process;
        this.dir = dir;
    }

    /// <param name="records">host name → address (v4 or v6), written to a hosts file.</param>
    public static Dnsmasq Start(string ns, string listen, string domain, IEnumerable<(string Name, string Address)> records)
    {
        var dir = Directory.CreateTempSubdirectory("retina-dnsmasq-").FullName;
        var hosts = Path.Combine(dir, "hosts");
        File.WriteAllLines(hosts, records.Select(r => $"{r.Address} {r.Name}"));
        var process = Process.Start(new ProcessStartInfo("ip",
            ["netns", "exec", ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--addn-hosts=" + hosts,
             "--listen-address=" + listen, "--bind-interfaces", "--port=53", "--pid-file=" + Path.Combine(dir, "pid"),
             $"--local=/{domain}/", "--user=root"])
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        return new Dnsmasq(process, dir);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        process.Dispose();
        Directory.Delete(dir, true);
    }
}
