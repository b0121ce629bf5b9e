using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi;

public sealed class FakeKubeApiOptions
{
    /// <summary>How many events the watch history keeps; older resume versions get 410 Expired.</summary>
    public int HistoryLimit { get; set; } = 1000;

    /// <summary>How often an idle watch that allows bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Serve the retina.sh/v1alpha1 kinds (default true).</summary>
    public bool RegisterRetinaKinds { get; set; } = true;

    /// <summary>More custom resources to serve (group/version/plural/kind/scope).</summary>
    public List<ResourceDescriptor> CustomResources { get; } = [];

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
