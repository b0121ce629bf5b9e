namespace Retina.NodeRuntime.Plugins;

/// <summary>One plugin the node must run, with its settings (from NodeRuntime.spec).</summary>
/// <param name="Name">Plugin name as in bpf/&lt;name&gt;: packetforward, dropreason, dns, tcpretrans, linuxutil.</param>
/// <param name="Settings">
/// Plugin settings. Common: <c>interfaces</c> (comma-separated; default: the interfaces that carry
/// the namespace's default route, else every interface but lo). dropreason: <c>reasonNames</c> = kernel (default) | retina.
/// dns: <c>maxQueryNames</c> (default 1000). linuxutil: <c>interfaces</c> as above.
/// </param>
public sealed record PluginRequest(string Name, IReadOnlyDictionary<string, string> Settings)
{
    public PluginRequest(string name)
        : this(name, new Dictionary<string, string>())
    {
    }

    /// <summary>True when both requests mean the same thing (same name and settings).</summary>
    public bool SameAs(PluginRequest other) =>
        Name == other.Name
        && Settings.Count == other.Settings.Count
        && Settings.All(kv => other.Settings.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
