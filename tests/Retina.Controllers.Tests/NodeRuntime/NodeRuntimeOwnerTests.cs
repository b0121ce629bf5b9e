using k8s.Models;
using Retina.Controllers.Tests.Support;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.NodeRuntime;

public sealed class NodeRuntimeOwnerTests
{
    [Fact]
    public async Task A_node_recreated_under_the_same_name_becomes_the_owner_of_its_NodeRuntime()
    {
        await using var h = await ControllerHarness.StartAsync();
        // what a NodeRuntime looks like after its Node was deleted and created again: owned by the old uid
        var stale = new NodeRuntimeObject();
        stale.Metadata.Name = "node-r";
        stale.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = "node-r", Uid = "uid-of-the-deleted-node" }];
        await h.Client.CreateAsync(stale, CancellationToken.None);

        var node = await h.AddNodeAsync("node-r");

        var runtime = await Until.ValueAsync(
            () => h.Client.GetAsync<NodeRuntimeObject>("node-r", null, CancellationToken.None),
            r => r?.Metadata.OwnerReferences?.SingleOrDefault()?.Uid == node.Metadata.Uid, "the NodeRuntime is owned by the new Node");
        runtime!.Metadata.OwnerReferences.ShouldHaveSingleItem().Name.ShouldBe("node-r");
        runtime.Spec.Plugins.ShouldNotBeEmpty("the spec is converged in the same pass");
    }
}
