using k8s.Models;
using Retina.Controllers.Admission;
using Retina.Controllers.Authorization;
using Retina.Kube.Client;
using Retina.Kube.Json;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Repo;

namespace Retina.Controllers.Tests.Authorization;

/// <summary>
/// A fake API with our shipped user roles, Kubernetes' aggregated <c>edit</c> role and a user <c>alice</c> who edits
/// namespace team-a; helpers bind more roles and turn typed objects into the admission attempts the webhook passes on.
/// Every decision is the fake's SubjectAccessReview over the stored RBAC objects.
/// </summary>
public sealed class AuthorizationBed : IAsyncDisposable
{
    public const string TeamA = "team-a";
    public const string TeamB = "team-b";

    private static readonly CancellationToken None = CancellationToken.None;

    private AuthorizationBed(FakeKubeApiServer api)
    {
        Api = api;
        Admin = api.CreateClient();
        Rules = AuthorizationRules.Create(Admin);
    }

    public static FakeUser Alice { get; } = FakeUser.Person("alice");

    public static FakeUser ControllersAccount { get; } = FakeUser.ServiceAccount("retina-system", "retina-controllers");

    public FakeKubeApiServer Api { get; }

    /// <summary>The webhook's own client: it asks the reviews, the reviews are about the requester.</summary>
    public KubeApiClient Admin { get; }

    public IReadOnlyList<IAdmissionRule> Rules { get; }

    public static async Task<AuthorizationBed> StartAsync()
    {
        var api = await FakeKubeApiServer.StartAsync();
        api.ApplyRbacFile(RepoPaths.Combine("kustomize/base/rbac/user-roles.yaml"));
        var bed = new AuthorizationBed(api);
        await bed.Admin.CreateAsync(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "edit" },
            AggregationRule = new() { ClusterRoleSelectors = [new() { MatchLabels = new Dictionary<string, string> { ["rbac.authorization.k8s.io/aggregate-to-edit"] = "true" } }] },
        }, None);
        await bed.BindAsync("User", Alice.Username, "edit", TeamA);
        return bed;
    }

    /// <summary>Binds <paramref name="clusterRole"/> to a subject in <paramref name="ns"/> (RoleBinding) or cluster-wide (null: ClusterRoleBinding).</summary>
    public async Task BindAsync(string subjectKind, string subject, string clusterRole, string? ns)
    {
        var name = $"{subject.Replace(':', '-')}-{clusterRole}";
        var roleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole };
        Rbacv1Subject[] subjects = [subjectKind == "ServiceAccount"
            ? new Rbacv1Subject { Kind = "ServiceAccount", Name = subject.Split(':')[3], NamespaceProperty = subject.Split(':')[2] }
            : new Rbacv1Subject { Kind = subjectKind, Name = subject, ApiGroup = "rbac.authorization.k8s.io" }];
        if (ns is null)
        {
            await Admin.CreateAsync(new V1ClusterRoleBinding { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new() { Name = name }, RoleRef = roleRef, Subjects = subjects }, None);
        }
        else
        {
            await Admin.CreateAsync(new V1RoleBinding { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = new() { Name = name, NamespaceProperty = ns }, RoleRef = roleRef, Subjects = subjects }, None);
        }
    }

    public Task BindAliceAsync(string clusterRole, string? ns) => BindAsync("User", Alice.Username, clusterRole, ns);

    /// <summary>Runs every authorization rule as the webhook does: the first denial is the answer.</summary>
    public async Task<AdmissionDenial?> CheckAsync(AdmissionAttempt attempt)
    {
        foreach (var rule in Rules)
        {
            if (await rule.CheckAsync(attempt, None) is { } denial)
            {
                return denial;
            }
        }

        return null;
    }

    public static AdmissionUser User(FakeUser user) => new(user.Username, user.Uid, user.Groups, user.Extra ?? new Dictionary<string, IReadOnlyList<string>>());

    public static AdmissionAttempt Create<T>(T obj, FakeUser? by = null)
        where T : k8s.IKubernetesObject<V1ObjectMeta> => Attempt(AdmissionOperation.Create, obj, default, by ?? Alice, "");

    public static AdmissionAttempt Update<T>(T old, T updated, FakeUser? by = null, string subResource = "")
        where T : k8s.IKubernetesObject<V1ObjectMeta> => Attempt(AdmissionOperation.Update, updated, old, by ?? Alice, subResource);

    private static AdmissionAttempt Attempt<T>(AdmissionOperation operation, T obj, T? old, FakeUser by, string subResource)
        where T : k8s.IKubernetesObject<V1ObjectMeta> =>
        new(obj.Kind, operation, obj.Metadata.NamespaceProperty, obj.Metadata.Name, subResource, KubeJson.ToNode(obj), old is null ? null : KubeJson.ToNode(old), User(by), DryRun: false);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Api.DisposeAsync();
    }
}
