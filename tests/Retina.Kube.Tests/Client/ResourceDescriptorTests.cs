using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Client;

public sealed class ResourceDescriptorTests
{
    [Fact]
    public void Paths_and_scope_come_from_the_entity_attribute_and_scope_markers()
    {
        ResourceDescriptor.For<V1Pod>().ObjectPath("ns", "p", "status").ShouldBe("/api/v1/namespaces/ns/pods/p/status");
        ResourceDescriptor.For<V1Node>().ObjectPath(null, "n").ShouldBe("/api/v1/nodes/n");
        ResourceDescriptor.For<V1Namespace>().Namespaced.ShouldBeFalse();
        ResourceDescriptor.For<V1Job>().CollectionPath("ns").ShouldBe("/apis/batch/v1/namespaces/ns/jobs");
        ResourceDescriptor.For<V1Lease>().CollectionPath("ns").ShouldBe("/apis/coordination.k8s.io/v1/namespaces/ns/leases");
        ResourceDescriptor.For<Corev1Event>().CollectionPath(null).ShouldBe("/api/v1/events");
        ResourceDescriptor.For<Widget>().CollectionPath(null).ShouldBe("/apis/test.retina.sh/v1/widgets");
        ResourceDescriptor.For<Gadget>().ObjectPath("ignored", "g").ShouldBe("/apis/test.retina.sh/v1/gadgets/g");
        ResourceDescriptor.For<DuckScoped>().Namespaced.ShouldBeFalse();
        Should.Throw<ArgumentException>(() => ResourceDescriptor.For<Widget>().ObjectPath(null, "w"));
    }

    [Fact]
    public async Task Built_in_kinds_are_typed_through_the_real_client()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(new V1Namespace { Metadata = new() { Name = ctx.Namespace } }, ctx.Token);
        await ctx.Client.CreateAsync(new V1Secret { Metadata = new() { Name = "s", NamespaceProperty = ctx.Namespace }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, ctx.Token);
        await ctx.Client.CreateAsync(new V1Job
        {
            Metadata = new() { Name = "j", NamespaceProperty = ctx.Namespace },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
        }, ctx.Token);
        (await ctx.Client.GetAsync<V1Namespace>(ctx.Namespace, null, ctx.Token)).ShouldNotBeNull();
        (await ctx.Client.GetAsync<V1Secret>("s", ctx.Namespace, ctx.Token))!.StringData["k"].ShouldBe("v");
        (await ctx.Client.PatchStatusAsync<V1Job>("j", ctx.Namespace, KubePatch.Merge("""{"status":{"active":1}}"""), ctx.Token)).Status.Active.ShouldBe(1);
        ctx.Server.RequestCount("patch", "jobs", "status").ShouldBe(1);
    }

    [Fact]
    public async Task Injected_latency_delays_requests_without_failing_them()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        ctx.Server.Latency = TimeSpan.FromMilliseconds(200);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        (await ctx.Client.GetAsync<Widget>("none", ctx.Namespace, ctx.Token)).ShouldBeNull();
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
    }

    /// <summary>Scope from an attribute named CrdAttribute with ClusterScoped = true, as Retina.Api declares it.</summary>
    [CrdAttribute(ClusterScoped = true)]
    [KubernetesEntity(Group = "test.retina.sh", ApiVersion = "v1", Kind = "Duck", PluralName = "ducks")]
    private sealed class DuckScoped;

    [AttributeUsage(AttributeTargets.Class)]
    private sealed class CrdAttribute : Attribute
    {
        public bool ClusterScoped { get; init; }
    }
}
