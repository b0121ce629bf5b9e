using Microsoft.Extensions.Logging;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Trace;

/// <summary>Builds the node's trace runner from the runtime's options: the kernel side only where eBPF can load (root).</summary>
public static class TraceWiring
{
    public static TraceRunner Create(NodeAgentOptions options, NodeMetrics metrics, EnrichmentCache cache, ILoggerFactory loggers, TimeProvider time,
        Action<PluginHostOptions>? configurePlugins = null, TraceUploadOptions? uploads = null, Credentials.ITraceCredentialSource? credentials = null)
    {
        TraceKernel? kernel = null;
        if (Environment.IsPrivilegedProcess)
        {
            var pluginOptions = new PluginHostOptions { NetworkNamespace = options.NetworkNamespace, StateDirectory = options.PluginStateDirectory };
            configurePlugins?.Invoke(pluginOptions);
            // Its own clsact ledger beside the plugin host's: each cleans up only what it attached.
            pluginOptions.StateDirectory = Path.Combine(pluginOptions.StateDirectory, "trace");
            kernel = new TraceKernel(pluginOptions, metrics, loggers);
        }

        return new TraceRunner(kernel, cache, new TraceRunnerOptions
        {
            NodeName = options.NodeName,
            CaptureBaseDirectory = options.CaptureBaseDirectory,
            FlushInterval = options.ProgressInterval,
            MaxConcurrent = options.MaxConcurrentTraces,
            Time = time,
            Uploads = uploads ?? new TraceUploadOptions(),
            Credentials = credentials,
        }, loggers.CreateLogger<TraceRunner>());
    }
}
