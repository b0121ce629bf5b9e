using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Api;
using Retina.Kube.Client;
using Retina.Kube.Schema;
using Retina.Kube.Store;

namespace Retina.Local.Hosting;

/// <summary>The file-backed store local mode runs on: our kinds from YAML, plus the built-in kinds controllers read.</summary>
public static class LocalStore
{
    private static readonly Lazy<IReadOnlyDictionary<(string Group, string Kind), CrdSchema>> Crds = new(() =>
    {
        var assembly = typeof(LocalStore).Assembly;
        return CrdSchemaCatalog.Parse(assembly.GetManifestResourceNames().Where(n => n.StartsWith("crds/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return reader.ReadToEnd();
            }));
    });

    public static FileStoreOptions Options(string sourceDirectory, string stateDirectory)
    {
        // A file the CRD schema refuses is listed by `retina get` with kubectl's message, as `kubectl apply` would refuse it.
        var options = new FileStoreOptions { SourceDirectory = sourceDirectory, StateDirectory = stateDirectory, Admission = new CrdSchemaAdmission(Crds.Value) };
        foreach (var kind in ResourceKinds.All)
        {
            options.Resources.Add(ResourceDescriptor.For(kind.Type));
        }

        options.Register<V1Node>().Register<V1Pod>().Register<V1Service>().Register<V1Namespace>().Register<V1Secret>().Register<Corev1Event>().Register<V1Lease>();
        options.TransientKinds.Add("Node");
        return options;
    }

    public static Task<FileKubeClient> StartAsync(string sourceDirectory, string stateDirectory, ILogger logger, CancellationToken ct) =>
        FileKubeClient.StartAsync(Options(sourceDirectory, stateDirectory), logger, TimeProvider.System, ct);
}
