using k8s.Models;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Faults;

/// <summary>Pods linger with deletionTimestamp after a delete, as on a real cluster: a terminating pod is no longer a target.</summary>
public sealed class GracefulPodDeletionTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_terminating_pod_keeps_its_ip_but_a_new_capture_does_not_target_its_node()
    {
        await using var h = await ControllerHarness.StartAsync(configureApi: o => o.PodDeletionGracePeriod = TimeSpan.FromMinutes(5));
        await h.AddNodeAsync("n1");
        await h.AddNodeAsync("n2");
        await h.AddPodAsync(Objects.Pod("shop", "web-old", "n1", "10.1.0.5"));
        await h.AddPodAsync(Objects.Pod("shop", "web-new", "n2", "10.2.0.7"));

        await h.Client.DeleteAsync<V1Pod>("web-old", "shop", None);
        var terminating = await h.Client.GetAsync<V1Pod>("web-old", "shop", None);
        terminating.ShouldNotBeNull("the kubelet has not confirmed yet: the pod is still there");
        terminating.Metadata.DeletionTimestamp.ShouldNotBeNull();
        terminating.Status.PodIP.ShouldBe("10.1.0.5");

        await h.Client.CreateAsync(Objects.PodCapture("shop", "web"), None);

        var n2 = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n2", null, None), r => r?.Spec.Captures?.Count == 1, "n2 is assigned");
        n2!.Spec.Captures![0].PodIps.ShouldBe(["10.2.0.7"]);
        var n1 = await Until.ValueAsync(() => h.Client.GetAsync<NodeRuntimeObject>("n1", null, None), r => r is not null, "n1 has its NodeRuntime");
        (n1!.Spec.Captures ?? []).ShouldBeEmpty("the only pod there is terminating");
    }

    [Fact]
    public async Task A_gracefully_deleted_pod_goes_after_its_grace_period()
    {
        await using var h = await ControllerHarness.StartAsync(configureApi: o => o.PodDeletionGracePeriod = TimeSpan.FromMilliseconds(300));
        await h.AddPodAsync(Objects.Pod("shop", "web", "n1", "10.1.0.5"));

        await h.Client.DeleteAsync<V1Pod>("web", "shop", None);

        await Until.TrueAsync(async () => await h.Client.GetAsync<V1Pod>("web", "shop", None) is null, "the pod is gone once the kubelet confirms");
    }
}
