using System.Net.NetworkInformation;
using System.Net.Sockets;
using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Metadata of a pod-targeted capture: for each network namespace pinned under the node's netns directory that holds one
/// of the capture's pod IPs, that namespace's addresses, routes, sockets and /proc/net, under <c>pods/&lt;pod IP&gt;/</c>.
/// The node's own state (host interfaces, iptables, host sockets, /proc/net) is never read here: it needs a node-wide
/// capture, whose author admission checked for <c>create nodes/capture</c>.
/// </summary>
internal static class PodMetadataCollector
{
    public const string Note = "metadata holds only the targeted pods' network namespaces (addresses, routes, sockets, /proc/net); the node's own network state comes only with a node-wide capture";

    public static async Task<IReadOnlyList<string>> CollectAsync(IReadOnlyList<string> podIps, string netnsDirectory, string target)
    {
        var notes = new List<string> { Note };
        var wanted = podIps.ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pinned = Directory.Exists(netnsDirectory) ? Directory.EnumerateFiles(netnsDirectory).Order(StringComparer.Ordinal).ToList() : [];
        string? refused = null;
        foreach (var path in pinned)
        {
            if (found.Count == wanted.Count)
            {
                break;
            }

            List<string> mine;
            try
            {
                mine = (await NetworkNamespace.RunAsync(path, Addresses, "pod-netns-scan").ConfigureAwait(false))
                    .Where(a => wanted.Contains(a) && !found.Contains(a)).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                notes.AddRange(await NetworkNamespace.RunAsync(path, () => CaptureMetadataCollector.CollectPod(Path.Combine(target, "pods", mine[0])), "pod-metadata").ConfigureAwait(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A pod that went away while we looked, a pin that is not a namespace, or setns refused (no CAP_SYS_ADMIN).
                refused ??= e.Message.Contains("Operation not permitted", StringComparison.Ordinal) ? e.Message : null;
                continue;
            }

            found.UnionWith(mine);
        }

        if (refused is not null && found.Count < wanted.Count)
        {
            // RuntimeDefault seccomp refuses setns without CAP_SYS_ADMIN, which the shipped DaemonSet does not hold.
            notes.Add($"pod network namespaces cannot be entered here ({refused}): entering one needs CAP_SYS_ADMIN (components/node-runtime-legacy-kernel grants it), so pod metadata is left out");
        }

        foreach (var ip in wanted.Except(found).Order(StringComparer.Ordinal))
        {
            notes.Add($"pod IP {ip}: no network namespace under {netnsDirectory} holds it, so its metadata is left out");
        }

        return notes;
    }

    // Runs on a thread inside the namespace: getifaddrs answers for the calling thread's namespace.
    private static List<string> Addresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Select(a => a.ToString())
            .ToList();
}
