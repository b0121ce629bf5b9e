using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.TraceSession;
using Retina.Kube.Client;
using Retina.NodeRuntime.Tests.Agent;
using Retina.NodeRuntime.Tests.Plugins;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using TraceObject = Retina.Api.TraceSession.TraceSession;

namespace Retina.NodeRuntime.Tests.Trace;

/// <summary>
/// A TraceSession with a PersistentVolumeClaim output, end to end: the real node runtime traces nft drops and stages its
/// files, the real controllers run the copy Job, the fake scheduler places it and a kubelet on this host runs its real
/// <c>cp</c> into a directory that stands for the claim. Read back as a user would: the files in the claim, the status.
/// </summary>
public sealed class TracePvcJourneyTests
{
    private const int Drops = 20;
    private static readonly CancellationToken None = CancellationToken.None;

    [KernelFact]
    public async Task The_trace_files_land_in_the_claim_and_the_node_keeps_no_staged_copy()
    {
        await using var bed = await OneNodeJourneyBed.StartAsync("tpv", "web-1", "db-0");
        var (web, db) = (bed.Net.Pods[0], bed.Net.Pods[1]);
        await NetnsPair.ExecAsync(db.Namespace, "nft", "add table inet rtest; add chain inet rtest input_rt { type filter hook input priority 0; }; add rule inet rtest input_rt udp dport 7100 drop");
        var kubelet = FakeCopyPodRunner.Start(bed.Client, Path.Combine(bed.Root, "claims"));
        bed.Extras.Add(FakeJobScheduler.Start(bed.Client));
        bed.Extras.Add(kubelet);
        await bed.Client.CreateAsync(new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = "flows", NamespaceProperty = "shop" },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"] },
        }, None);
        await bed.Client.PatchStatusAsync<V1PersistentVolumeClaim>("flows", "shop", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = "Bound" } }), None);
        await bed.RunAsync();

        var t = new TraceObject();
        t.Metadata.Name = "flows";
        t.Metadata.NamespaceProperty = "shop";
        t.Spec.Target = new CaptureTarget { PodNames = ["web-1"] };
        t.Spec.Events = [TraceEventKinds.Drop];
        t.Spec.Duration = "6s";
        t.Spec.OutputConfiguration = new OutputConfiguration { PersistentVolumeClaim = "flows" };
        await bed.Client.CreateAsync(t, None);
        await Until.ValueAsync(() => bed.Client.GetAsync<TraceObject>("flows", "shop", None),
            x => x?.Status?.Nodes?.SingleOrDefault()?.Phase == CapturePhase.Running, "node1 reports the trace Running", TimeSpan.FromSeconds(30));
        using (var sender = await NsUdp.BindAsync(web.Namespace, web.Address, 7101))
        {
            NsUdp.Send(sender, db.Address, 7100, Drops);
        }

        var done = await Until.ValueAsync(() => bed.Client.GetAsync<TraceObject>("flows", "shop", None),
            x => CapturePhase.IsFinished(x?.Status?.Phase), "the trace finishes after its duration and its copies", TimeSpan.FromSeconds(60));
        var status = done!.Status!;
        status.Phase.ShouldBe(CapturePhase.Completed, System.Text.Json.JsonSerializer.Serialize(status));
        var claim = kubelet.ClaimDirectory("shop", "flows");
        var files = Directory.GetFiles(claim, "flows-node1-*.jsonl.gz");
        files.ShouldNotBeEmpty("the trace's files are in the claim");
        status.Nodes!.Single().CopiedFiles.ShouldBe(files.Length);
        var copied = status.Conditions!.Single(c => c.Type == "Copied");
        (copied.Status, copied.Reason).ShouldBe(("True", "AllFilesCopied"));
        var lines = files.SelectMany(TraceBed.ReadGzipLines).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        FlowLineSchema.ShouldAllMatch(lines);
        lines.Count.ShouldBe(Drops);
        lines.ShouldAllBe(l => (string?)l["flow"]!["drop_reason_desc"] == "NETFILTER_DROP" && (string?)l["flow"]!["source"]!["pod_name"] == "web-1");
        var staged = Path.Combine(bed.Captures, ".traces", "shop-flows");
        (Directory.Exists(staged) ? Directory.GetFiles(staged) : []).ShouldBeEmpty("the node deleted its staged copies once they were in the claim");
    }
}
