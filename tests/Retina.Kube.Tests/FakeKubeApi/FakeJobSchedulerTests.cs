using k8s.Models;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi;

namespace Retina.Kube.Tests.FakeKubeApi;

public sealed class FakeJobSchedulerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_wait_for_first_consumer_claim_binds_only_when_the_scheduler_places_the_pod(bool viaNodeName)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        var client = api.CreateClient();
        await using var scheduler = FakeJobScheduler.Start(client);
        await client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new() { Name = "n1", Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "n1" } } }, None);
        await client.CreateAsync(new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim", Metadata = new() { Name = "store", NamespaceProperty = "ns" },
            Spec = new() { AccessModes = ["ReadWriteOnce"] },
        }, None);
        var pod = new V1PodSpec
        {
            RestartPolicy = "Never",
            Containers = [new V1Container { Name = "c", Image = "busybox" }],
            Volumes = [new V1Volume { Name = "v", PersistentVolumeClaim = new() { ClaimName = "store" } }],
        };
        if (viaNodeName)
        {
            pod.NodeName = "n1";
        }
        else
        {
            pod.Affinity = new() { NodeAffinity = new() { RequiredDuringSchedulingIgnoredDuringExecution = new() { NodeSelectorTerms = [new() { MatchExpressions = [new() { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["n1"] }] }] } } };
        }

        await client.CreateAsync(new V1Job { ApiVersion = "batch/v1", Kind = "Job", Metadata = new() { Name = "j", NamespaceProperty = "ns" }, Spec = new() { Template = new() { Spec = pod } } }, None);

        var created = await Until.ValueAsync(() => client.GetAsync<V1Pod>("j-copy0", "ns", None), p => p?.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "True") == true && (!viaNodeName || p.Status.ContainerStatuses is not null), "the pod is placed");
        created!.Metadata.Labels["batch.kubernetes.io/job-name"].ShouldBe("j");
        if (viaNodeName)
        {
            created.Status.ContainerStatuses.Single().State.Waiting.Message.ShouldContain("volume store is not bound");
            (await client.GetAsync<V1PersistentVolumeClaim>("store", "ns", None))!.Status?.Phase.ShouldNotBe("Bound", "nodeName skips the scheduler, which is what binds the claim");
        }
        else
        {
            await Until.ValueAsync(() => client.GetAsync<V1PersistentVolumeClaim>("store", "ns", None), c => c?.Status?.Phase == "Bound", "the claim binds to the chosen node");
        }
    }
}
