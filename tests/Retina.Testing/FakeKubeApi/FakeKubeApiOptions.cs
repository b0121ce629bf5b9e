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

    /// <summary>
    /// Prune, default and validate writes of kinds that have a CRD in <see cref="CrdDirectory"/> as a real API server
    /// does, answering 422 Invalid with causes (default true). Turn it off only to measure its cost or to plant an
    /// object a real server could never hold; for that, prefer writing to <c>Store</c> directly.
    /// </summary>
    public bool ValidateSchemas { get; set; } = true;

    /// <summary>Where the CRDs are read from (default: the repository's <c>crds/</c>); their kinds are validated.</summary>
    public string? CrdDirectory { get; set; }

    /// <summary>
    /// Decide every request by RBAC over the Roles and bindings in the store, answering 403 Forbidden as a real server
    /// does (default false: every request is allowed, as for a cluster admin). Requests without a known token are from
    /// <see cref="Auth.FakeUser.Admin"/> unless <see cref="RejectUnknownTokens"/>.
    /// </summary>
    public bool AuthorizeRequests { get; set; }

    /// <summary>Answer 401 to requests whose bearer token was not added with <c>AddUser</c> (default false).</summary>
    public bool RejectUnknownTokens { get; set; }

    /// <summary>
    /// Pods are deleted gracefully, as the kubelet does: a delete only sets <c>deletionTimestamp</c> (a MODIFIED event;
    /// the pod keeps its IP and phase) and the pod goes this long afterwards. Null (default): pods go at once.
    /// </summary>
    public TimeSpan? PodDeletionGracePeriod { get; set; }

    /// <summary>
    /// Where a webhook's <c>clientConfig.service</c> (namespace, name, port) is reached: the loopback address of the test's
    /// webhook server. The certificate is still checked against <c>name.namespace.svc</c>, as a real server checks it.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(string Namespace, string Name, int Port), System.Net.EndPoint> WebhookServices { get; } = new();

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
