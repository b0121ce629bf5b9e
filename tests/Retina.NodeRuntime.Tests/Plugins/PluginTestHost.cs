using Retina.Testing.Waiting;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Tests.Plugins;

/// <summary>A plugin host whose "node" is a test namespace, with its own metrics and state directory.</summary>
public sealed class PluginTestHost : IAsyncDisposable
{
    private PluginTestHost(PluginHost host, NodeMetrics metrics, string stateDir)
    {
        Host = host;
        Metrics = metrics;
        StateDirectory = stateDir;
    }

    public PluginHost Host { get; }

    public NodeMetrics Metrics { get; }

    public string StateDirectory { get; }

    public static async Task<PluginTestHost> StartAsync(string? netns, params PluginRequest[] plugins) =>
        await StartAsync(netns, null, null, plugins);

    public static async Task<PluginTestHost> StartAsync(string? netns, string? stateDir, Action<PluginHostOptions>? configure, params PluginRequest[] plugins)
    {
        stateDir ??= Directory.CreateTempSubdirectory("retina-plugins-").FullName;
        var options = new PluginHostOptions { NetworkNamespace = netns, StateDirectory = stateDir };
        configure?.Invoke(options);
        var metrics = new NodeMetrics();
        var host = new PluginHost(options, metrics);
        await host.ApplyAsync(plugins, CancellationToken.None);
        return new PluginTestHost(host, metrics, stateDir);
    }

    public PluginState State(string plugin) => Host.Current.Single(s => s.Name == plugin);

    public async Task<double> ValueAsync(string metric, params (string, string)[] labels) =>
        MetricsText.Value(await Metrics.ScrapeAsync(), metric, labels);

    /// <summary>Waits until the metric grew by exactly <paramref name="delta"/> over <paramref name="baseline"/>; returns the final growth.</summary>
    public async Task<double> GrowthAsync(string metric, double baseline, double delta, params (string, string)[] labels)
    {
        await Until.TryAsync(async () => await ValueAsync(metric, labels) - baseline >= delta);
        return await ValueAsync(metric, labels) - baseline;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public static PluginRequest Request(string name, params (string Key, string Value)[] settings) =>
        new(name, settings.ToDictionary(s => s.Key, s => s.Value));
}
