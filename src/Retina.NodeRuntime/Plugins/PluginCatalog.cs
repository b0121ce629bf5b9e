using Retina.NodeRuntime.Plugins.DropReason;
using Retina.NodeRuntime.Plugins.PacketForward;

namespace Retina.NodeRuntime.Plugins;

/// <summary>The one explicit list of plugins this runtime knows (no reflection scanning).</summary>
public static class PluginCatalog
{
    /// <summary>The basic plugins Retina runs by default (node-level metrics).</summary>
    public static IReadOnlyList<string> Basic { get; } =
        [PacketForwardPlugin.PluginName, DropReasonPlugin.PluginName, Dns.DnsPlugin.PluginName, TcpRetrans.TcpRetransPlugin.PluginName, LinuxUtil.LinuxUtilPlugin.PluginName];

    /// <summary>Every plugin this runtime knows; <see cref="PluginHost.Current"/> reports each of them.</summary>
    /// <remarks>apiserverlatency is not basic: it sends probes to the API server, so it runs only when asked for (see its class doc).</remarks>
    public static IReadOnlyList<string> Names { get; } = [.. Basic, PacketParser.PacketParserPlugin.PluginName, ApiServerLatency.ApiServerLatencyPlugin.PluginName];

    public static INodePlugin? Create(string name) => name switch
    {
        PacketForwardPlugin.PluginName => new PacketForwardPlugin(),
        DropReasonPlugin.PluginName => new DropReasonPlugin(),
        Dns.DnsPlugin.PluginName => new Dns.DnsPlugin(),
        TcpRetrans.TcpRetransPlugin.PluginName => new TcpRetrans.TcpRetransPlugin(),
        LinuxUtil.LinuxUtilPlugin.PluginName => new LinuxUtil.LinuxUtilPlugin(),
        PacketParser.PacketParserPlugin.PluginName => new PacketParser.PacketParserPlugin(),
        ApiServerLatency.ApiServerLatencyPlugin.PluginName => new ApiServerLatency.ApiServerLatencyPlugin(),
        _ => null,
    };
}
