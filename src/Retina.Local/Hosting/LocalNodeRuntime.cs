using Microsoft.Extensions.Logging;
using Retina.NodeRuntime.Agent;

namespace Retina.Local.Hosting;

/// <summary>Adds this host's node runtime to local mode: the same runtime the DaemonSet runs, over the local store.</summary>
public static class LocalNodeRuntime
{
    public static void Add(LocalOptions options, ILoggerFactory loggers)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            options.Notices.Add("not root: eBPF plugins and packet captures are skipped (they need CAP_BPF/CAP_NET_ADMIN/CAP_NET_RAW); linuxutil-style metrics and status still run");
        }

        options.ExtraServices.Add(async (store, ct) =>
        {
            var agentOptions = new NodeAgentOptions
            {
                NodeName = options.NodeName,
                MetricsAddress = options.MetricsAddress,
                CaptureBaseDirectory = options.CaptureDirectory,
                WorkDirectory = Path.GetFullPath(Path.Combine(options.StateDirectory, "..", "work")),
                PluginStateDirectory = Path.GetFullPath(Path.Combine(options.StateDirectory, "..", "plugins")),
                DiskBudgetMB = 1024,
                HeartbeatInterval = TimeSpan.FromSeconds(5),

                // No pods on a laptop: each `ip netns` namespace of this host counts as a pod of namespace "local".
                PodsFromNetworkNamespaces = true,

                // No cluster to discover API servers in: apiserverlatency probes only the server given with --apiserver.
                DiscoverApiServerEndpoints = false,
                ApiServerEndpoints = options.ApiServerEndpoints,

                // Emulators (Azurite, MinIO, s3rver) on this machine may be reached over plain http; anything else needs https.
                PlainHttpOutputEndpoints = ["127.0.0.1", "localhost", "[::1]"],
            };
            var log = loggers.CreateLogger("retina.noderuntime");
            var problems = agentOptions.Validate();
            if (problems.Count > 0)
            {
                throw new InvalidOperationException("invalid node runtime options: " + string.Join("; ", problems));
            }

            await using var host = await NodeRuntimeHost.StartAsync(store, agentOptions, loggers, TimeProvider.System, ct,
                credentials: new LocalCredentialSource(store, options.NodeName));
            foreach (var notice in host.Notices)
            {
                log.LogWarning("{Notice}", notice);
            }

            log.LogInformation("metrics served at {Address}", host.MetricsAddress);
            await host.RunAsync(ct);
        });
    }
}
