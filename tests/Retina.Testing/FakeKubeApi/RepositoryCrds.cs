using Retina.Kube.Schema;
using Retina.Testing.Repo;

namespace Retina.Testing.FakeKubeApi;

/// <summary>The CRDs committed in the repository's <c>crds/</c>, read once per test process.</summary>
public static class RepositoryCrds
{
    private static readonly Lazy<IReadOnlyDictionary<(string Group, string Kind), CrdSchema>> Committed = new(() => CrdSchemaCatalog.Load(RepoPaths.Combine("crds")));

    public static IReadOnlyDictionary<(string Group, string Kind), CrdSchema> Schemas => Committed.Value;
}
