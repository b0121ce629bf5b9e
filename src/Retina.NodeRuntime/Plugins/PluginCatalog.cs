using Retina.NodeRuntime.Plugins.DropReason;
using Retina.NodeRuntime.Plugins.PacketForward;

namespace Retina.NodeRuntime.Plugins;

/// <summary>The one explicit list of plugins this runtime knows (no reflection scanning).</summary>
public static class PluginCatalog
{
    public static IReadOnlyList<string> Names { get; } =
        [PacketForwardPlugin.PluginName, DropReasonPlugin.PluginName, Dns.DnsPlugin.PluginName, TcpRetrans.TcpRetransPlugin.PluginName, LinuxUtil.LinuxUtilPlugin.PluginName];

    /// <summary>The basic plugins Retina runs by default.</summary>
    public static IReadOnlyList<string> Basic => Names;

    public static INodePlugin? Create(string name) => name switch
    {
        PacketForwardPlugin.PluginName => new PacketForwardPlugin(),
        DropReasonPlugin.PluginName => new DropReasonPlugin(),
        Dns.DnsPlugin.PluginName => new Dns.DnsPlugin(),
        TcpRetrans.TcpRetransPlugin.PluginName => new TcpRetrans.TcpRetransPlugin(),
        LinuxUtil.LinuxUtilPlugin.PluginName => new LinuxUtil.LinuxUtilPlugin(),
        PacketParser.PacketParserPlugin.PluginName => new PacketParser.PacketParserPlugin(),
        _ => null,
    };
}
