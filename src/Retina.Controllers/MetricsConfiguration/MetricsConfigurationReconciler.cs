using Retina.Api.MetricsConfiguration;
using Retina.Api.NodeRuntime;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Informers;
using Retina.Kube.Status;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.MetricsConfiguration;

/// <summary>
/// Validates a MetricsConfiguration and reports Accepted/Errored, how many nodes run its generation, and series caps.
/// The merged result reaches the nodes through <see cref="NodeRuntime.NodeRuntimeReconciler"/>, the only writer of their spec.
/// </summary>
public sealed class MetricsConfigurationReconciler(IKubeClient client, TimeProvider time) : IReconciler
{
    private static readonly MetricsConfigurationValidator Validator = new();

    public ObjectCache<MetricsConfig>? Configs { get; set; }

    public ObjectCache<NodeRuntimeObject>? Runtimes { get; set; }

    /// <summary>Why a valid configuration does not reach the nodes: which cap, and where it stands.</summary>
    private static string NotAdmitted(MetricsConfig config, List<MetricsConfig> valid)
    {
        var rank = valid.Count(c => string.CompareOrdinal(c.Metadata.Name, config.Metadata.Name) < 0) + 1;
        return rank <= NodeMetricsSpec.MaxSources
            ? $"not applied: with the configurations before it by name, its namespaces.include would take the nodes' merged list past {MetricsNamespaces.MaxNamespaces} namespaces (the cap of NodeRuntime spec.metrics.namespaces.include)"
            : $"not applied: {valid.Count} valid MetricsConfigurations exist and the nodes merge only the first {NodeMetricsSpec.MaxSources} by name (the cap of NodeRuntime spec.metrics.sources); this one is number {rank}";
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var cached = Configs!.Get(key);
        if (cached is null || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var runtimes = Runtimes!.List();
        var valid = Configs.List().Where(c => c.Metadata.DeletionTimestamp is null && Validator.Validate(c).IsValid).ToList();
        var admitted = MetricsMerger.Admitted(valid).Any(c => c.Metadata.Name == key.Name);
        await client.UpdateStatusAsync<MetricsConfig>(key, config =>
        {
            var before = System.Text.Json.JsonSerializer.Serialize(config.Status);
            // Past the cap every node's spec write would fail: this one waits, by name order, and says why.
            var notAdmitted = admitted ? null : NotAdmitted(config, valid);
            config.Status = MetricsStatusBuilder.Apply(config.Status ?? new MetricsStatus(), config, Validator.Validate(config), Validator.Warnings(config), runtimes, time.GetUtcNow().UtcDateTime, notAdmitted);
            return System.Text.Json.JsonSerializer.Serialize(config.Status) != before;
        }, cancellationToken).ConfigureAwait(false);

        // A configuration waiting for room looks again: another one's deletion does not enqueue this key.
        return admitted || !Validator.Validate(cached).IsValid ? ReconcileResult.Done : ReconcileResult.Requeue(TimeSpan.FromSeconds(30));
    }
}
