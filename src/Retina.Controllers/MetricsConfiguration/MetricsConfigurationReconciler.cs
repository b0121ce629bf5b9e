using Retina.Api.MetricsConfiguration;
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

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var cached = Configs!.Get(key);
        if (cached is null || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var runtimes = Runtimes!.List();
        await client.UpdateStatusAsync<MetricsConfig>(key, config =>
        {
            var before = System.Text.Json.JsonSerializer.Serialize(config.Status);
            config.Status = MetricsStatusBuilder.Apply(config.Status ?? new MetricsStatus(), config, Validator.Validate(config), Validator.Warnings(config), runtimes, time.GetUtcNow().UtcDateTime);
            return System.Text.Json.JsonSerializer.Serialize(config.Status) != before;
        }, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
