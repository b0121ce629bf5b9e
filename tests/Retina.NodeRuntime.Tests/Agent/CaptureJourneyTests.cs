using System.Diagnostics;
using Retina.Api.Capture;
using Retina.Api.Common;
using Retina.NodeRuntime.Tests.Capture;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;
using CaptureObject = Retina.Api.Capture.Capture;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>
/// The user journey of issue 5 end to end: a Capture applied to the (fake) API, the real controllers assigning it,
/// two real node runtimes capturing real packets in their namespaces, tarballs read back with tshark.
/// </summary>
public sealed class CaptureJourneyTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const int Port = 7777;
    private const int OtherPort = 8888;

    private static CaptureObject Capture(string name, CaptureTarget target, long maxPackets, string duration = "30s")
    {
        var c = new CaptureObject();
        c.Metadata.Name = name;
        c.Metadata.NamespaceProperty = "default";
        c.Spec.CaptureConfiguration.CaptureTarget = target;
        c.Spec.CaptureConfiguration.IncludeMetadata = false;
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = duration, PcapFilter = $"udp port {Port}", MaxPackets = maxPackets };
        c.Spec.OutputConfiguration.HostPath = "journey";
        return c;
    }

    private static Task<CaptureObject?> Get(JourneyBed bed, string name) => bed.Client.GetAsync<CaptureObject>(name, "default", None);

    private static Task<CaptureObject?> UntilAsync(JourneyBed bed, string name, Func<CaptureObject, bool> accept, string because, int seconds = 60) =>
        Until.ValueAsync(() => Get(bed, name), c => c is not null && accept(c), because, TimeSpan.FromSeconds(seconds));

    private static bool AllNodes(CaptureObject c, int count, string phase) =>
        c.Status?.Nodes?.Count == count && c.Status.Nodes.All(n => n.Phase == phase);

    /// <summary>Sends from B to A: <paramref name="matching"/> datagrams to the captured port and as many to another port.</summary>
    private static async Task SendAsync(CaptureBed sockets, JourneyBed bed, int matching)
    {
        using var listen = await sockets.BindAsync(bed.Pair.NamespaceA, bed.Pair.AddressA, Port);
        using var other = await sockets.BindAsync(bed.Pair.NamespaceA, bed.Pair.AddressA, OtherPort);
        using var from = await sockets.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0);
        CaptureBed.Send(from, bed.Pair.AddressA, OtherPort, matching);
        CaptureBed.Send(from, bed.Pair.AddressA, Port, matching);
    }

    private static async Task<int> PacketsInAsync(CaptureBed extractor, string tarball)
    {
        var dir = await extractor.ExtractAsync(tarball);
        var total = 0;
        foreach (var file in CaptureBed.CaptureFiles(dir))
        {
            total += await CaptureBed.TsharkCountAsync(file);
        }

        return total;
    }

    private static string[] Tarballs(JourneyBed bed, string node) =>
        Directory.Exists(bed.HostPathBase(node)) ? Directory.GetFiles(bed.HostPathBase(node), "*.tar.gz", SearchOption.AllDirectories) : [];

    [KernelFact]
    public async Task A_node_selector_capture_runs_on_both_nodes_and_each_pcap_holds_exactly_the_matching_packets()
    {
        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        await bed.StartRuntimeAsync(JourneyBed.NodeB);
        const int n = 250;
        await bed.Client.CreateAsync(Capture("both", new CaptureTarget { NodeSelector = new LabelSelector { MatchLabels = new() { ["role"] = "worker" } } }, n), None);
        await UntilAsync(bed, "both", c => AllNodes(c, 2, CapturePhase.Running), "both nodes capture");

        await SendAsync(sockets, bed, n);

        var done = await UntilAsync(bed, "both", c => c.Status?.Phase == CapturePhase.Completed, "the capture completes");
        done!.Status!.Succeeded.ShouldBe(2);
        done.Status.Nodes!.ShouldAllBe(x => x.Packets == n);
        foreach (var node in new[] { JourneyBed.NodeA, JourneyBed.NodeB })
        {
            var tarball = Tarballs(bed, node).ShouldHaveSingleItem();
            Path.GetFileName(tarball).ShouldStartWith($"both-{node}-");
            (await PacketsInAsync(sockets, tarball)).ShouldBe(n, $"{node}'s pcap holds exactly the matching packets");
            done.Status.Artifacts!.ShouldContain(a => a.Node == node && a.Location.EndsWith(Path.GetFileName(tarball), StringComparison.Ordinal));
        }
    }

    [KernelFact]
    public async Task A_pod_selector_capture_runs_only_where_the_pod_is_and_only_on_its_traffic()
    {
        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        await bed.StartRuntimeAsync(JourneyBed.NodeB);

        // A second "pod" address on node-a that the capture must ignore.
        var otherPod = $"10.201.{Random.Shared.Next(0, 250)}.{Random.Shared.Next(1, 250)}";
        await NetnsPair.ExecAsync(bed.Pair.NamespaceA, "ip", "addr", "add", otherPod + "/32", "dev", bed.Pair.VethA);
        var macA = (await NetnsPair.ExecAsync(bed.Pair.NamespaceA, "cat", $"/sys/class/net/{bed.Pair.VethA}/address")).Trim();
        await NetnsPair.ExecAsync(bed.Pair.NamespaceB, "ip", "route", "add", otherPod + "/32", "dev", bed.Pair.VethB);
        await NetnsPair.ExecAsync(bed.Pair.NamespaceB, "ip", "neigh", "replace", otherPod, "lladdr", macA, "dev", bed.Pair.VethB, "nud", "permanent");

        await CreatePodAsync(bed, "web-a", JourneyBed.NodeA, bed.Pair.AddressA, "web");
        await CreatePodAsync(bed, "other-a", JourneyBed.NodeA, otherPod, "other");
        await CreatePodAsync(bed, "web-b", JourneyBed.NodeB, bed.Pair.AddressB, "db");
        const int n = 120;
        await bed.Client.CreateAsync(Capture("pods", new CaptureTarget { PodSelector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } } }, n), None);
        await UntilAsync(bed, "pods", c => AllNodes(c, 1, CapturePhase.Running), "node-a captures");

        using (var listen = await sockets.BindAsync(bed.Pair.NamespaceA, otherPod, Port))
        using (var from = await sockets.BindAsync(bed.Pair.NamespaceB, bed.Pair.AddressB, 0))
        {
            CaptureBed.Send(from, otherPod, Port, n);
        }

        await SendAsync(sockets, bed, n);

        var done = await UntilAsync(bed, "pods", c => c.Status?.Phase == CapturePhase.Completed, "the capture completes");
        done!.Status!.Nodes!.ShouldHaveSingleItem().Node.ShouldBe(JourneyBed.NodeA);
        Tarballs(bed, JourneyBed.NodeB).ShouldBeEmpty();
        (await PacketsInAsync(sockets, Tarballs(bed, JourneyBed.NodeA).ShouldHaveSingleItem())).ShouldBe(n);
    }

    [KernelFact]
    public async Task Restarting_the_controllers_mid_capture_neither_duplicates_the_capture_nor_its_delivery()
    {
        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        await bed.StartRuntimeAsync(JourneyBed.NodeB);
        const int n = 80;
        await bed.Client.CreateAsync(Capture("restart", new CaptureTarget { NodeSelector = new LabelSelector() }, n), None);
        await UntilAsync(bed, "restart", c => AllNodes(c, 2, CapturePhase.Running), "both nodes capture");

        await bed.StopControllersAsync();
        bed.StartControllers();
        await SendAsync(sockets, bed, n);

        var done = await UntilAsync(bed, "restart", c => c.Status?.Phase == CapturePhase.Completed, "the capture completes under the new controllers");
        done!.Status!.Artifacts!.Count.ShouldBe(2);
        Tarballs(bed, JourneyBed.NodeA).ShouldHaveSingleItem();
        Tarballs(bed, JourneyBed.NodeB).ShouldHaveSingleItem();
    }

    [KernelFact]
    public async Task A_node_runtime_killed_mid_capture_fails_that_node_with_the_reason_and_keeps_the_partial_capture()
    {
        await using var bed = await JourneyBed.StartAsync();
        await using var sockets = await CaptureBed.CreateAsync();
        await bed.StartRuntimeAsync(JourneyBed.NodeA);
        var runtimeB = bed.StartRuntimeProcess(JourneyBed.NodeB);
        await bed.Client.CreateAsync(Capture("killed", new CaptureTarget { NodeSelector = new LabelSelector() }, maxPackets: 1_000_000, duration: "5m"), None);
        await UntilAsync(bed, "killed", c => AllNodes(c, 2, CapturePhase.Running), "both nodes capture", seconds: 90);

        await SendAsync(sockets, bed, 50);
        await UntilAsync(bed, "killed", c => c.Status!.Nodes!.Single(x => x.Node == JourneyBed.NodeB).Packets >= 50, "node-b reported its packets");
        Process.Start("kill", ["-KILL", runtimeB.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await runtimeB.WaitForExitAsync();

        bed.StartRuntimeProcess(JourneyBed.NodeB);
        var after = await UntilAsync(bed, "killed", c => c.Status!.Nodes!.Single(x => x.Node == JourneyBed.NodeB).Phase == CapturePhase.Failed,
            "node-b is failed after its runtime restarted", seconds: 90);
        var nodeB = after!.Status!.Nodes!.Single(x => x.Node == JourneyBed.NodeB);
        nodeB.Message!.ShouldContain("restart", Case.Insensitive);
        (await PacketsInAsync(sockets, Tarballs(bed, JourneyBed.NodeB).ShouldHaveSingleItem())).ShouldBeGreaterThanOrEqualTo(50);
        after.Status.Nodes!.Single(x => x.Node == JourneyBed.NodeA).Phase.ShouldBe(CapturePhase.Running, "node-a carries on");
    }

    private static async Task CreatePodAsync(JourneyBed bed, string name, string node, string ip, string app)
    {
        var pod = new k8s.Models.V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
            Spec = new k8s.Models.V1PodSpec { NodeName = node, Containers = [new k8s.Models.V1Container { Name = "c", Image = "x" }] },
        };
        await bed.Client.CreateAsync(pod, None);
        var status = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = "Running", ["podIP"] = ip },
        };
        await bed.Client.PatchStatusAsync<k8s.Models.V1Pod>(name, "default", Retina.Kube.Client.KubePatch.Merge(status), None);
    }
}
