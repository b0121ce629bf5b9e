namespace Retina.Testing.FakeKubeApi.Auth;

/// <summary>
/// Who a request is from, as a real API server's authenticator reports it (the <c>userInfo</c> of TokenReview,
/// SubjectAccessReview and AdmissionReview). <see cref="Audiences"/> are those a bound service-account token was issued for.
/// </summary>
public sealed record FakeUser(string Username, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra = null, string? Uid = null)
{
    /// <summary>The identity of requests without a token the fake knows: a cluster admin, as tests have always been.</summary>
    public static FakeUser Admin { get; } = new("system:admin", ["system:masters", "system:authenticated"]);

    public IReadOnlyList<string> Audiences { get; init; } = [];

    public static FakeUser Person(string name, params string[] groups) => new(name, [.. groups, "system:authenticated"]);

    /// <summary>
    /// A service account as a projected token names it: username <c>system:serviceaccount:ns:name</c>, the service-account
    /// groups, and for a pod bound to a node the <c>authentication.kubernetes.io/node-name</c> extra (Kubernetes ≥ 1.30).
    /// </summary>
    public static FakeUser ServiceAccount(string ns, string name, string? nodeName = null, params string[] audiences) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"],
            nodeName is null ? null : new Dictionary<string, IReadOnlyList<string>>
            {
                ["authentication.kubernetes.io/node-name"] = [nodeName],
                ["authentication.kubernetes.io/pod-name"] = [name + "-" + nodeName],
            })
        {
            Audiences = audiences,
        };
}
