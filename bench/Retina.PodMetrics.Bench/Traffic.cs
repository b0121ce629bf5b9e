using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;
using Retina.Testing.Netns;

namespace Retina.PodMetrics.Bench;

/// <summary>Traffic between two pods of a <see cref="PodNetwork"/>: UDP floods, TCP streams and paced UDP from a child process.</summary>
internal static class Traffic
{
    private static async Task<Socket> InNamespace(string ns, Func<Socket> make)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(make);
    }

    /// <summary>64-byte UDP frames from pod 0 to pod 1 for <paramref name="seconds"/>: received packets/s.</summary>
    public static async Task<double> UdpAsync(PodNetwork net, double seconds, int port)
    {
        var (a, b) = (net.Pods[0], net.Pods[1]);
        using var rx = await InNamespace(b.Namespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20, ReceiveTimeout = 200 };
            s.Bind(new IPEndPoint(IPAddress.Parse(b.Address), port));
            return s;
        });
        using var tx = await InNamespace(a.Namespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Connect(new IPEndPoint(IPAddress.Parse(b.Address), port));
            return s;
        });

        long received = 0;
        var stop = false;
        var receiver = new Thread(() =>
        {
            var buf = new byte[2048];
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    rx.Receive(buf);
                    Interlocked.Increment(ref received);
                }
                catch (SocketException)
                {
                }
            }
        });
        receiver.Start();
        var payload = new byte[22];
        var sw = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        while (sw.Elapsed < until)
        {
            for (var i = 0; i < 256; i++)
            {
                tx.Send(payload);
            }
        }

        var elapsed = sw.Elapsed.TotalSeconds;
        var got = Interlocked.Read(ref received);
        Volatile.Write(ref stop, true);
        receiver.Join();
        return got / elapsed;
    }

    /// <summary>A TCP stream of 1 KiB writes from pod 0 to pod 1 (Nagle off) for <paramref name="seconds"/>: received MB/s.</summary>
    public static async Task<double> TcpAsync(PodNetwork net, double seconds, int port)
    {
        var (a, b) = (net.Pods[0], net.Pods[1]);
        using var listener = await InNamespace(b.Namespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(IPAddress.Parse(b.Address), port));
            s.Listen(1);
            return s;
        });
        using var tx = await InNamespace(a.Namespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            s.Connect(new IPEndPoint(IPAddress.Parse(b.Address), port));
            return s;
        });
        using var conn = listener.Accept();
        long received = 0;
        var receiver = new Thread(() =>
        {
            var buf = new byte[1 << 16];
            int n;
            while ((n = conn.Receive(buf)) > 0)
            {
                Interlocked.Add(ref received, n);
            }
        });
        receiver.Start();
        var payload = new byte[1024];
        var sw = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        while (sw.Elapsed < until)
        {
            for (var i = 0; i < 64; i++)
            {
                tx.Send(payload);
            }
        }

        var elapsed = sw.Elapsed.TotalSeconds;
        var got = Interlocked.Read(ref received);
        tx.Shutdown(SocketShutdown.Send);
        receiver.Join();
        return got / elapsed / 1e6;
    }

    /// <summary>
    /// The child-process side of the paced load: sends 64-byte UDP at <paramref name="rate"/> packets/s
    /// over <paramref name="flows"/> source ports for <paramref name="seconds"/> (run inside the pod's namespace).
    /// </summary>
    public static int SendPaced(string destination, int port, int rate, int flows, double seconds)
    {
        var sockets = Enumerable.Range(0, flows).Select(_ =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Connect(new IPEndPoint(IPAddress.Parse(destination), port));
            return s;
        }).ToArray();
        var payload = new byte[22];
        var sw = Stopwatch.StartNew();
        long sent = 0;
        const int batch = 100;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var due = (long)(sw.Elapsed.TotalSeconds * rate);
            if (sent >= due)
            {
                Thread.Sleep(1); // pacing a load generator, not synchronisation
                continue;
            }

            for (var i = 0; i < batch; i++)
            {
                sockets[(sent + i) % flows].Send(payload);
            }

            sent += batch;
        }

        Console.WriteLine(sent);
        return 0;
    }
}
