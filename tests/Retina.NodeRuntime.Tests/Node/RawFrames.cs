using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Tests.Node;

/// <summary>
/// An AF_PACKET socket on a pod's interface that sends Ethernet frames of a protocol no one
/// handles (0x88b5, local experimental): the node's side of the veth counts them in rx_dropped.
/// </summary>
public sealed class RawFrames : IDisposable
{
    private static readonly byte[] Frame = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x09, 0x88, 0xb5, .. new byte[50]];
    private readonly Socket socket;
    private readonly EndPoint to;

    private RawFrames(Socket socket, EndPoint to)
    {
        this.socket = socket;
        this.to = to;
    }

    public static async Task<RawFrames> OpenAsync(string ns, string iface)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() =>
        {
            var index = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Single(i => i.Name == iface).GetIPProperties().GetIPv4Properties().Index;
            var s = new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.Raw);
            return new RawFrames(s, new LinkLayerEndPoint(index));
        });
    }

    public void SendUnknownProtocol() => socket.SendTo(Frame, to);

    public void Dispose() => socket.Dispose();

    private sealed class LinkLayerEndPoint(int ifindex) : EndPoint
    {
        public override AddressFamily AddressFamily => AddressFamily.Packet;

        // struct sockaddr_ll: family, protocol (ETH_P_ALL, network order), ifindex, hatype, pkttype, halen, addr[8]
        public override SocketAddress Serialize()
        {
            var a = new SocketAddress(AddressFamily.Packet, 20);
            a[2] = 0x00;
            a[3] = 0x03;
            var idx = BitConverter.GetBytes(ifindex);
            for (var i = 0; i < 4; i++)
            {
                a[4 + i] = idx[i];
            }

            return a;
        }

        public override EndPoint Create(SocketAddress socketAddress) => this;
    }
}
