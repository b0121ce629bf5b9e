using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// The kubelet's part for copy Jobs, on this host: a Job pod that <see cref="FakeJobScheduler"/> placed (node chosen,
/// every claim bound) has its container's command run for real, as an argument list, with each volume mount's path in
/// the arguments replaced by where that volume lives here (a hostPath volume is the host path itself; a claim is a
/// directory of its own under <see cref="ClaimRoot"/>). Exit 0 makes the pod Succeeded and the Job complete; anything
/// else makes the pod Failed and the Job Failed (BackoffLimitExceeded, as the Job controller says it after its retries),
/// with the command's stderr in the pod's termination message.
/// </summary>
public sealed class FakeCopyPodRunner : FakePollingLoop
{
    private const string JobNameLabel = "batch.kubernetes.io/job-name";
    private readonly IKubeClient client;

    private FakeCopyPodRunner(IKubeClient client, string claimRoot)
    {
        this.client = client;
        ClaimRoot = claimRoot;
        StartLoop();
    }

    /// <summary>Where claims live: &lt;root&gt;/&lt;namespace&gt;/&lt;claim&gt;.</summary>
    public string ClaimRoot { get; }

    /// <summary>Pods run so far.</summary>
    public int Runs { get; private set; }

    public static FakeCopyPodRunner Start(IKubeClient client, string claimRoot) => new(client, claimRoot);

    public string ClaimDirectory(string ns, string claim) => Path.Combine(ClaimRoot, ns, claim);

    public override async Task SyncAsync(CancellationToken ct)
    {
        foreach (var pod in (await client.ListAsync<V1Pod>(new ListOptions(), ct)).Items)
        {
            if (pod.Metadata.Labels?.TryGetValue(JobNameLabel, out var job) != true || pod.Spec.NodeName is null
                || pod.Status?.Phase is not (null or "Pending")
                || pod.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "True") != true)
            {
                continue;
            }

            var ns = pod.Metadata.NamespaceProperty;
            var (exit, stderr) = await RunAsync(pod, ns, ct);
            Runs++;
            await client.PatchStatusAsync<V1Pod>(pod.Metadata.Name, ns, KubePatch.Merge(new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["phase"] = exit == 0 ? "Succeeded" : "Failed",
                    ["containerStatuses"] = new JsonArray(new JsonObject
                    {
                        ["name"] = pod.Spec.Containers[0].Name, ["ready"] = false, ["restartCount"] = 0, ["image"] = pod.Spec.Containers[0].Image, ["imageID"] = "",
                        ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = exit, ["message"] = stderr } },
                    }),
                },
            }), ct);
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var condition = exit == 0
                ? new JsonObject { ["type"] = "Complete", ["status"] = "True", ["lastTransitionTime"] = now }
                : new JsonObject { ["type"] = "Failed", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit", ["lastTransitionTime"] = now };
            var status = new JsonObject { ["active"] = 0, ["conditions"] = new JsonArray(condition) };
            status[exit == 0 ? "succeeded" : "failed"] = 1;
            await client.PatchStatusAsync<V1Job>(job!, ns, KubePatch.Merge(new JsonObject { ["status"] = status }), ct);
        }
    }

    private async Task<(int Exit, string Stderr)> RunAsync(V1Pod pod, string ns, CancellationToken ct)
    {
        var container = pod.Spec.Containers[0];
        var mounts = new List<(string Inside, string Here)>();
        foreach (var m in container.VolumeMounts ?? [])
        {
            var volume = pod.Spec.Volumes.Single(v => v.Name == m.Name);
            var here = volume.HostPath?.Path ?? ClaimDirectory(ns, volume.PersistentVolumeClaim!.ClaimName);
            Directory.CreateDirectory(here);
            mounts.Add((m.MountPath.TrimEnd('/'), here.TrimEnd('/')));
        }

        var command = container.Command.Concat(container.Args ?? []).Select(a =>
            mounts.FirstOrDefault(m => a == m.Inside || a.StartsWith(m.Inside + "/", StringComparison.Ordinal)) is { Inside: not null } hit
                ? hit.Here + a[hit.Inside.Length..]
                : a).ToList();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in command.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, stderr.Trim());
    }
}
