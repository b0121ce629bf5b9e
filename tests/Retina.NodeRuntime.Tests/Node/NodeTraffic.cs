using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>
/// What a busy node carries, in rounds until stopped (bounded: at most <see cref="MaxRounds"/>):
/// pod to pod, pod to the remote node, host to pod, DNS to CoreDNS (NOERROR, NXDOMAIN, AAAA, TCP),
/// TCP connections, drops by an nft rule and by a closed port, and retransmits forced by an nft
/// rule that drops every other segment to one port; drops of the node's own packets before and
/// after routing; frames of an unknown protocol (rx_dropped) and packets into a veth whose peer is
/// down (tx_dropped); DNS questions nobody answers; a host-network TCP connection; resets.
/// </summary>
public sealed class NodeTraffic : IAsyncDisposable
{
    public const int MaxRounds = 600;
    private const int Web = 8080;
    private const int Lossy = 8081;
    private const string Blackhole = "169.254.201.2";

    private readonly CancellationTokenSource stop = new();
    private readonly List<IDisposable> sockets = [];
    private Task? loop;

    public int Rounds { get; private set; }

    /// <summary>Why the traffic stopped early, if it did (shown in a failing test's message).</summary>
    public Exception? Failure { get; private set; }

    public static async Task<NodeTraffic> StartAsync(NodeBed bed)
    {
        await NetnsPair.ExecAsync(bed.Network.Node, "nft",
            "add table inet retinat; add chain inet retinat rfw { type filter hook forward priority 0; }; " +
            "add rule inet retinat rfw udp dport 9999 drop; " +
            $"add rule inet retinat rfw tcp dport {Lossy} tcp flags & (syn | fin | rst) == 0 numgen inc mod 2 == 0 drop; " +
            "add chain inet retinat rout { type filter hook output priority 0; }; add rule inet retinat rout udp dport 9997 drop; " +
            "add chain inet retinat rpost { type filter hook postrouting priority 0; }; add rule inet retinat rpost udp dport 9996 drop");
        // a veth whose peer is down: what the node sends into it is dropped on transmit
        await NetnsPair.ExecAsync(bed.Network.Node, "ip", "link", "add", "blackhole0", "type", "veth", "peer", "name", "blackhole1");
        await NetnsPair.ExecAsync(bed.Network.Node, "ip", "link", "set", "blackhole0", "up");
        await NetnsPair.ExecAsync(bed.Network.Node, "ip", "route", "add", Blackhole + "/32", "dev", "blackhole0");
        await NetnsPair.ExecAsync(bed.Network.Node, "ip", "neigh", "replace", Blackhole, "lladdr", "02:00:00:00:00:02", "dev", "blackhole0", "nud", "permanent");
        var t = new NodeTraffic();
        var client = await NsUdp.BindAsync(bed.Client1.Namespace, bed.Client1.Address, 7300);
        var web = await NsUdp.BindAsync(bed.Web.Namespace, bed.Web.Address, 7300);
        var remote = await NsUdp.BindAsync(bed.Network.Remote!, bed.Network.RemoteAddress, 7300);
        var host = await NsUdp.BindAsync(bed.Network.Node, bed.Network.NodeAddress, 7300);
        var listener = await NsTcp.ListenAsync(bed.Web.Namespace, bed.Web.Address, Web);
        var lossy = await NsTcp.ListenAsync(bed.Web.Namespace, bed.Web.Address, Lossy);
        t.sockets.AddRange([client, web, remote, host, listener, lossy]);
        t.loop = Task.Run(async () =>
        {
            try
            {
                await t.RunAsync(bed, client, web, remote, host, listener, lossy, t.stop.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                t.Failure = ex;
            }
        });
        return t;
    }

    private async Task RunAsync(NodeBed bed, Socket client, Socket web, Socket remote, Socket host, Socket listener, Socket lossy, CancellationToken ct)
    {
        var dns = bed.CoreDns.Address;
        var lossyTask = AcceptAndDrainAsync(lossy, ct);
        var webTask = AcceptAndDrainAsync(listener, ct);
        using var lossyClient = await NsTcp.CreateAsync(bed.Client1.Namespace);
        await lossyClient.ConnectAsync(new IPEndPoint(IPAddress.Parse(bed.Web.Address), Lossy), ct);
        var chunk = new byte[512];
        using var hostTcp = await NsTcp.CreateAsync(bed.Network.Node);
        await hostTcp.ConnectAsync(new IPEndPoint(IPAddress.Parse(bed.Web.Address), Web), ct);
        using var raw = await RawFrames.OpenAsync(bed.Client1.Namespace, bed.Client1.PodVeth);
        for (var round = 0; round < MaxRounds && !ct.IsCancellationRequested; round++)
        {
            Rounds = round + 1;
            NsUdp.Send(client, bed.Web.Address, 7300, 5);
            NsUdp.Send(client, bed.Network.RemoteAddress, 7300, 5);
            NsUdp.Send(host, bed.Web.Address, 7300, 2);
            NsUdp.Send(client, bed.Web.Address, 9999, 2);
            NsUdp.Send(client, bed.Network.NodeAddress, 9998, 2);
            NodeDns.AskUdp(client, dns, "api.retina.test", 1, (ushort)(round * 4));
            NodeDns.AskUdp(client, dns, "nope.retina.test", 1, (ushort)(round * 4 + 1));
            NodeDns.AskUdp(client, dns, "api.retina.test", 28, (ushort)(round * 4 + 2));
            // the sender hears of these drops (EPERM from netfilter, errors queued by ICMP): expected
            Try(() => client.SendTo(Plugins.Dns.DnsParserTests.Query("nobody.retina.test", 1, (ushort)round), new IPEndPoint(IPAddress.Parse(bed.Network.RemoteAddress), 53)));
            Try(() => NsUdp.Send(host, bed.Web.Address, 9997, 1));
            Try(() => NsUdp.Send(host, bed.Web.Address, 9996, 1));
            Try(() => NsUdp.Send(host, Blackhole, 9, 1));
            Try(raw.SendUnknownProtocol);
            await hostTcp.SendAsync(chunk, SocketFlags.None, ct);
            await ResetAsync(bed, ct);
            await NodeDns.AskTcpAsync(bed.Client1.Namespace, dns, "api.retina.test", 1, (ushort)(round * 4 + 3));
            using (var c = await NsTcp.CreateAsync(bed.Client1.Namespace))
            {
                await c.ConnectAsync(new IPEndPoint(IPAddress.Parse(bed.Web.Address), Web), ct);
                await c.SendAsync(chunk, SocketFlags.None, ct);
            }

            await lossyClient.SendAsync(chunk, SocketFlags.None, ct);
            Drain(web);
            Drain(remote);
            await Task.Delay(100, ct).ContinueWith(_ => { }, TaskScheduler.Default); // pacing, not synchronisation
        }

        await Task.WhenAll(lossyTask, webTask);
    }

    // the node's own connection to a closed port of its own: an established-reset-free RST each time
    private static async Task ResetAsync(NodeBed bed, CancellationToken ct)
    {
        using var c = await NsTcp.CreateAsync(bed.Network.Node);
        try
        {
            await c.ConnectAsync(new IPEndPoint(IPAddress.Parse(bed.Network.NodeAddress), 9), ct);
        }
        catch (SocketException)
        {
            // refused, as intended
        }
    }

    private static void Try(Action send)
    {
        try
        {
            send();
        }
        catch (SocketException)
        {
            // a drop the sender is told about
        }
    }

    private static void Drain(Socket s)
    {
        var buf = new byte[2048];
        while (s.Available > 0)
        {
            s.Receive(buf);
        }
    }

    private static async Task AcceptAndDrainAsync(Socket listener, CancellationToken ct)
    {
        var buf = new byte[4096];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var s = await listener.AcceptAsync(ct);
                _ = Task.Run(async () =>
                {
                    using (s)
                    {
                        while (await s.ReceiveAsync(buf.AsMemory(), SocketFlags.None, ct) > 0)
                        {
                        }
                    }
                }, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // stopped mid-round
            }
        }

        foreach (var s in sockets)
        {
            s.Dispose();
        }

        stop.Dispose();
    }
}
