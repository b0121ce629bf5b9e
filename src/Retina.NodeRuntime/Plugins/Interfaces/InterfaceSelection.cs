using Retina.Native.Netlink;

namespace Retina.NodeRuntime.Plugins.Interfaces;

/// <summary>
/// Which interfaces of the node a plugin attaches to: named ones (the <c>interfaces</c> setting,
/// followed as they appear), or every interface of the given roles, pod interfaces created later
/// included.
/// </summary>
public sealed class InterfaceSelection
{
    private readonly Func<LinkInfo, IReadOnlySet<string>, bool> wants;

    private InterfaceSelection(Func<LinkInfo, IReadOnlySet<string>, bool> wants, IReadOnlyList<string> names, string description)
    {
        this.wants = wants;
        Names = names;
        Description = description;
    }

    /// <summary>The names asked for explicitly (empty when the selection is by role).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>For status messages: "interfaces eth0,eth1" or "every host, pod interface".</summary>
    public string Description { get; }

    /// <param name="uplinks">Interfaces carrying a default route in the node's namespace.</param>
    public bool Wants(LinkInfo link, IReadOnlySet<string> uplinks) => wants(link, uplinks);

    public static InterfaceSelection Named(IReadOnlyList<string> names) =>
        new((l, _) => names.Contains(l.Name), names, "interfaces " + string.Join(",", names));

    public static InterfaceSelection ByRole(params InterfaceRole[] roles) =>
        new((l, up) => roles.Contains(InterfaceClassifier.Classify(l, up).Role), [], "every " + string.Join(", ", roles.Select(r => r.ToString().ToLowerInvariant())) + " interface");

    /// <summary>Any link the predicate accepts, given the uplinks (e.g. pod interfaces whose names carry a prefix).</summary>
    public static InterfaceSelection Where(Func<LinkInfo, IReadOnlySet<string>, bool> predicate, string description) => new(predicate, [], description);

    /// <summary>
    /// The plugin's <c>interfaces</c> setting (comma-separated names), else the host's configured
    /// default names, else every interface of <paramref name="roles"/>.
    /// </summary>
    public static InterfaceSelection FromSettings(IReadOnlyDictionary<string, string> settings, PluginHostOptions options, params InterfaceRole[] roles)
    {
        if (settings.TryGetValue("interfaces", out var s) && !string.IsNullOrWhiteSpace(s))
        {
            return Named(s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return options.DefaultInterfaces is { Count: > 0 } d ? Named(d) : ByRole(roles);
    }
}
