using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;

namespace Retina.Controllers.Tls;

/// <summary>
/// Publishes the CA that signed our serving certificate: the <c>ca.crt</c> ConfigMap (public part only) in our
/// namespace, and, in self-managed mode, the <c>caBundle</c> of every webhook of our two webhook configurations.
/// Both writes are idempotent, so every replica may run them.
/// </summary>
public sealed partial class CaPublisher(IKubeClient client, WebhookTlsOptions options, string ns, ILogger<CaPublisher> logger)
{
    public const string CaKey = "ca.crt";

    public async Task PublishConfigMapAsync(string caPem, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await client.GetAsync<V1ConfigMap>(options.CaConfigMapName, ns, ct).ConfigureAwait(false);
            if (existing?.Data is { } data && data.TryGetValue(CaKey, out var current) && current == caPem)
            {
                return;
            }

            try
            {
                if (existing is null)
                {
                    await client.CreateAsync(new V1ConfigMap
                    {
                        ApiVersion = "v1",
                        Kind = "ConfigMap",
                        Metadata = new V1ObjectMeta
                        {
                            Name = options.CaConfigMapName,
                            NamespaceProperty = ns,
                            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "retina-controllers" },
                        },
                        Data = new Dictionary<string, string> { [CaKey] = caPem },
                    }, ct).ConfigureAwait(false);
                }
                else
                {
                    existing.Data ??= new Dictionary<string, string>();
                    existing.Data[CaKey] = caPem;
                    await client.UpdateAsync(existing, ct).ConfigureAwait(false);
                }

                LogPublished(options.CaConfigMapName, ns);
                return;
            }
            catch (KubeApiException e) when (e.IsConflict)
            {
                // Another replica wrote it between our read and our write: read theirs and compare again.
            }
        }
    }

    /// <summary>Sets <c>caBundle</c> on every webhook of our configurations that lacks this CA; a missing configuration is skipped.</summary>
    public async Task PatchCaBundlesAsync(string caPem, CancellationToken ct)
    {
        var bundle = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        foreach (var name in options.ValidatingConfigurations)
        {
            var config = await client.GetAsync<V1ValidatingWebhookConfiguration>(name, null, ct).ConfigureAwait(false);
            var current = config?.Webhooks?.Select(w => w.ClientConfig?.CaBundle).ToList();
            await PatchAsync<V1ValidatingWebhookConfiguration>(name, config?.Metadata.ResourceVersion, current, bundle, ct).ConfigureAwait(false);
        }

        foreach (var name in options.MutatingConfigurations)
        {
            var config = await client.GetAsync<V1MutatingWebhookConfiguration>(name, null, ct).ConfigureAwait(false);
            var current = config?.Webhooks?.Select(w => w.ClientConfig?.CaBundle).ToList();
            await PatchAsync<V1MutatingWebhookConfiguration>(name, config?.Metadata.ResourceVersion, current, bundle, ct).ConfigureAwait(false);
        }
    }

    private async Task PatchAsync<T>(string name, string? resourceVersion, List<byte[]?>? caBundles, string bundle, CancellationToken ct)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        if (caBundles is null)
        {
            LogMissingConfiguration(typeof(T).Name[2..], name);
            return;
        }

        var expected = Convert.FromBase64String(bundle);
        var operations = new JsonArray { new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = resourceVersion } };
        for (var i = 0; i < caBundles.Count; i++)
        {
            if (caBundles[i] is not { } have || !have.AsSpan().SequenceEqual(expected))
            {
                operations.Add(new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = bundle });
            }
        }

        if (operations.Count == 1)
        {
            return;
        }

        try
        {
            await client.PatchAsync<T>(name, null, new KubePatch(PatchType.Json, operations.ToJsonString()), ct).ConfigureAwait(false);
            LogPatched(name, operations.Count - 1);
        }
        catch (KubeApiException e) when (e.IsConflict || (int)e.StatusCode == 422)
        {
            // Changed since we read it (another replica, or a kubectl apply): the next round reads it again.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "published the webhook CA in ConfigMap {Namespace}/{Name}")]
    private partial void LogPublished(string name, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "patched caBundle of {Count} webhook(s) in {Name}")]
    private partial void LogPatched(string name, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Name} does not exist: its caBundle is patched once it is installed")]
    private partial void LogMissingConfiguration(string kind, string name);
}
