using System.Net;
using System.Net.Sockets;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.Netns;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>
/// What a busy node carries, in rounds until stopped (bounded: at most <see cref="MaxRounds"/>):
/// pod to pod, pod to the remote node, host to pod, DNS to CoreDNS (NOERROR, NXDOMAIN, AAAA, TCP),
/// TCP connections, drops by an nft rule and by a closed port, and retransmits forced by an nft
/// rule that drops every other segment to one port.
/// </summary>
public sealed class NodeTraffic : IAsyncDisposable
{
    public const int MaxRounds = 600;
    private const int Web = 8080;
    private const int Lossy = 8081;

    private readonly CancellationTokenSource stop = new();
    private readonly List<IDisposable> sockets = [];
    private Task? loop;

    public int Rounds { get; private set; }

    public static async Task<NodeTraffic> StartAsync(NodeBed bed)
    {
        await NetnsPair.ExecAsync(bed.Network.Node, "nft",
            "add table inet retinat; add chain inet retinat rfw { type filter hook forward priority 0; }; " +
            "add rule inet retinat rfw udp dport 9999 drop; " +
            $"add rule inet retinat rfw tcp dport {Lossy} tcp flags & (syn | fin | rst) == 0 numgen inc mod 2 == 0 drop");
        var t = new NodeTraffic();
        var client = await NsUdp.BindAsync(bed.Client1.Namespace, bed.Client1.Address, 7300);
        var web = await NsUdp.BindAsync(bed.Web.Namespace, bed.Web.Address, 7300);
        var remote = await NsUdp.BindAsync(bed.Network.Remote!, bed.Network.RemoteAddress, 7300);
        var host = await NsUdp.BindAsync(bed.Network.Node, bed.Network.NodeAddress, 7300);
        var listener = await NsTcp.ListenAsync(bed.Web.Namespace, bed.Web.Address, Web);
        var lossy = await NsTcp.ListenAsync(bed.Web.Namespace, bed.Web.Address, Lossy);
        t.sockets.AddRange([client, web, remote, host, listener, lossy]);
        t.loop = Task.Run(() => t.RunAsync(bed, client, web, remote, host, listener, lossy, t.stop.Token));
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
