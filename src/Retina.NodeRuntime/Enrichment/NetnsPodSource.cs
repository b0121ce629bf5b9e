using System.Net.NetworkInformation;
using System.Net.Sockets;
using k8s.Models;
using Retina.Native.Libc;

namespace Retina.NodeRuntime.Enrichment;

/// <summary>
/// Local mode, where there is no API server: the host's named network namespaces (<c>ip netns</c>,
/// /run/netns) become "pods" of this node — name = the namespace's name, Kubernetes namespace =
/// <see cref="PodNamespace"/>, addresses = its non-loopback IP addresses — so a MetricsConfiguration
/// file turns on pod-level metrics for them. Rescanned periodically; vanished namespaces are deleted.
/// </summary>
public sealed class NetnsPodSource(EnrichmentCache cache, string directory = "/run/netns", string podNamespace = "local") : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly HashSet<string> known = new(StringComparer.Ordinal);
    private Task? loop;

    /// <summary>The Kubernetes namespace the "pods" are put in (what a MetricsConfiguration's namespaces filter names).</summary>
    public string PodNamespace { get; } = podNamespace;

    /// <summary>Scans now, then every <paramref name="interval"/> until disposed.</summary>
    public void Start(TimeSpan interval)
    {
        loop ??= Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                try
                {
                    await ScanAsync();
                }
                catch (IOException)
                {
                    // a namespace vanished mid-scan: the next scan sees the new state
                }
            }
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false));
        });
    }

    /// <summary>One pass: adds or updates a pod per namespace, deletes those whose namespace is gone.</summary>
    public async Task ScanAsync()
    {
        var names = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        foreach (var name in names)
        {
            IReadOnlyList<string> addresses;
            try
            {
                addresses = await NetnsThread.RunOnceAsync(Path.Combine(directory, name), Addresses, "netns scan");
            }
            catch (IOException)
            {
                continue;
            }

            if (addresses.Count == 0)
            {
                continue;
            }

            cache.UpsertPod(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = PodNamespace, Uid = "netns:" + name },
                Spec = new V1PodSpec { NodeName = cache.NodeName },
                Status = new V1PodStatus { Phase = "Running", PodIP = addresses[0], PodIPs = addresses.Select(a => new V1PodIP { Ip = a }).ToList() },
            });
            known.Add(name);
        }

        foreach (var gone in known.Where(k => !names.Contains(k)).ToList())
        {
            cache.DeletePod(PodNamespace, gone);
            known.Remove(gone);
        }
    }

    /// <summary>The calling thread's namespace's addresses (no loopback, no IPv6 link-local): run it on a thread inside the namespace, as getifaddrs answers for the calling thread's.</summary>
    public static IReadOnlyList<string> Addresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal))
            .Select(a => a.ToString())
            .Distinct()
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        stop.Dispose();
    }
}
