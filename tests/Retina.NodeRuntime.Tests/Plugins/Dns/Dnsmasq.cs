using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

/// <summary>
/// A real dnsmasq serving only <c>retina.test</c> from a hosts file, over UDP and TCP, inside a test namespace.
/// Ready means every listen address accepts a TCP connection: dnsmasq binds each address's UDP socket before its
/// TCP one, and a handshake without payload is no DNS message, so waiting costs no counted packet.
/// </summary>
internal sealed class Dnsmasq : IAsyncDisposable
{
    private readonly Process process;
    private readonly string dir;

    private Dnsmasq(Process process, string dir)
    {
        this.process = process;
        this.dir = dir;
    }

    public static Task<Dnsmasq> StartAsync(string ns, string hosts, params string[] listen) => StartAsync(ns, hosts, 0, listen);

    /// <param name="localTtl">The TTL (seconds) dnsmasq gives the answers it serves from the hosts file (its default is 0).</param>
    public static async Task<Dnsmasq> StartAsync(string ns, string hosts, int localTtl, params string[] listen)
    {
        var dir = Directory.CreateTempSubdirectory("retina-dnsmasq-").FullName;
        var hostsFile = Path.Combine(dir, "hosts");
        await File.WriteAllTextAsync(hostsFile, hosts);
        string[] args =
        [
            "netns", "exec", ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--addn-hosts=" + hostsFile,
            .. listen.Select(a => "--listen-address=" + a), "--bind-interfaces", "--port=53", "--pid-file=" + Path.Combine(dir, "pid"),
            "--local=/retina.test/", "--user=root", "--local-ttl=" + localTtl,
        ];
        var process = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var d = new Dnsmasq(process, dir);
        try
        {
            foreach (var address in listen)
            {
                var server = new IPEndPoint(IPAddress.Parse(address), 53);
                await Until.TrueAsync(async () => !process.HasExited && await AcceptsAsync(ns, server), $"dnsmasq accepts connections on {server}");
            }
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }

        return d;
    }

    private static async Task<bool> AcceptsAsync(string ns, IPEndPoint server)
    {
        using var s = await NetnsThread.RunOnceAsync(ns, () => new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await s.ConnectAsync(server);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(dir, true);
    }
}
