using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.Native.Libc;

namespace Retina.Local.Hosting;

/// <summary>
/// Local mode's "pods" for the controllers: each named network namespace of this host (<c>ip netns</c>, /run/netns)
/// with an address becomes a Pod object in the local store — namespace <c>local</c>, name = the namespace's name,
/// label <c>retina.sh/netns</c> = that name, on this node, Running, with its non-loopback addresses — so a Capture or
/// TraceSession that names it (podNames, podSelector) resolves it, and one started later joins. The node runtime's
/// enrichment sees the same namespaces (NetnsPodSource). Rescanned every 2 s; vanished namespaces' Pods are deleted.
/// </summary>
public static partial class LocalNetnsPods
{
    public const string Namespace = "local";
    public const string NetnsLabel = "retina.sh/netns";

    public static void Add(LocalOptions options, ILoggerFactory loggers)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        options.ExtraServices.Add((store, ct) => RunAsync(store, options.NodeName, "/run/netns", TimeSpan.FromSeconds(2), loggers.CreateLogger("retina.local.pods"), ct));
    }

    public static async Task RunAsync(IKubeClient store, string node, string directory, TimeSpan interval, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await ScanAsync(store, node, directory, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or KubeApiException or UnauthorizedAccessException)
            {
                LogScanFailed(logger, e.Message);
            }
        }
        while (await WaitAsync(timer, ct).ConfigureAwait(false));
    }

    /// <summary>One pass: creates or updates a Pod per namespace with an address, deletes those whose namespace is gone.</summary>
    public static async Task ScanAsync(IKubeClient store, string node, string directory, CancellationToken ct)
    {
        var names = Directory.Exists(directory) ? Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        var existing = (await store.ListAsync<V1Pod>(new ListOptions { Namespace = Namespace }, ct).ConfigureAwait(false)).Items
            .Where(p => p.Metadata.Labels?.ContainsKey(NetnsLabel) == true).ToList();
        foreach (var name in names)
        {
            IReadOnlyList<string> addresses;
            try
            {
                addresses = await NetnsThread.RunOnceAsync(Path.Combine(directory, name), Retina.NodeRuntime.Enrichment.NetnsPodSource.Addresses, "netns pods").ConfigureAwait(false);
            }
            catch (IOException)
            {
                continue;
            }

            if (addresses.Count == 0)
            {
                continue;
            }

            var current = existing.FirstOrDefault(p => p.Metadata.Name == name);
            if (current is null)
            {
                await store.CreateAsync(new V1Pod
                {
                    ApiVersion = "v1",
                    Kind = "Pod",
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { [NetnsLabel] = name } },
                    Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "netns", Image = "ip-netns" }] },
                }, ct).ConfigureAwait(false);
            }

            if (current?.Status?.PodIPs?.Select(i => i.Ip).SequenceEqual(addresses) != true)
            {
                var status = new JsonObject
                {
                    ["phase"] = "Running",
                    ["podIP"] = addresses[0],
                    ["podIPs"] = new JsonArray(addresses.Select(a => (JsonNode)new JsonObject { ["ip"] = a }).ToArray()),
                };
                await store.PatchStatusAsync<V1Pod>(name, Namespace, KubePatch.Merge(new JsonObject { ["status"] = status }), ct).ConfigureAwait(false);
            }
        }

        foreach (var gone in existing.Where(p => !names.Contains(p.Metadata.Name)))
        {
            await store.DeleteAsync<V1Pod>(gone.Metadata.Name, Namespace, ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Scanning ip netns pods failed: {Reason}")]
    private static partial void LogScanFailed(ILogger logger, string reason);
}
