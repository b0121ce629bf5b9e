using System.Net;
using System.Net.Sockets;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Tests.Plugins;

/// <summary>TCP sockets and procfs reads inside a test namespace.</summary>
public static class NsTcp
{
    public static async Task<Socket> ListenAsync(string ns, string address, int port)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            s.Listen(8);
            return s;
        });
    }

    public static async Task<Socket> CreateAsync(string ns)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
    }

    /// <summary>Reads a /proc/net file as the namespace sees it.</summary>
    public static async Task<string> ProcNetAsync(string ns, string file)
    {
        using var t = NetnsThread.Start(ns);
        return await t.RunAsync(() => File.ReadAllText("/proc/thread-self/net/" + file));
    }

    public static async Task<long> SnmpAsync(string ns, string proto, string field) =>
        Retina.NodeRuntime.Plugins.LinuxUtil.ProcNet.ParseKeyValuePairs(await ProcNetAsync(ns, "snmp"))[proto][field];
}
