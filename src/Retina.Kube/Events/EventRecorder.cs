using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;

namespace Retina.Kube.Events;

/// <summary>
/// Records core/v1 Events about objects. The same (object, type, reason, message) seen again bumps the existing
/// Event's count and lastTimestamp instead of creating a new one. Failures are logged, never thrown: events are advisory.
/// </summary>
public sealed partial class EventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>How many distinct events are remembered for deduplication before the memory is reset.</summary>
    private const int MaxRemembered = 4096;

    private readonly IKubeClient client;
    private readonly string component;
    private readonly string? host;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, (string Namespace, string Name, int Count)> seen = new(StringComparer.Ordinal);

    public EventRecorder(IKubeClient client, string component, string? host = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        this.client = client;
        this.component = component;
        this.host = host;
        time = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
    }

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> obj, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = string.IsNullOrEmpty(obj.Metadata?.NamespaceProperty) ? "default" : obj.Metadata.NamespaceProperty;
        var key = string.Join('\u001f', obj.Metadata?.Uid ?? "", obj.Kind, ns, obj.Metadata?.Name, type, reason, message);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            if (seen.TryGetValue(key, out var previous))
            {
                var patch = new JsonObject
                {
                    ["count"] = previous.Count + 1,
                    ["lastTimestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                };
                try
                {
                    await client.PatchAsync<Corev1Event>(previous.Name, previous.Namespace, KubePatch.Merge(patch), cancellationToken).ConfigureAwait(false);
                    seen[key] = previous with { Count = previous.Count + 1 };
                    return;
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    seen.TryRemove(key, out _);
                }
            }

            var created = await client.CreateAsync(new Corev1Event
            {
                ApiVersion = "v1",
                Kind = "Event",
                Metadata = new V1ObjectMeta
                {
                    Name = (obj.Metadata?.Name ?? "object") + "." + Guid.NewGuid().ToString("N")[..16],
                    NamespaceProperty = ns,
                },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = obj.ApiVersion,
                    Kind = obj.Kind,
                    Name = obj.Metadata?.Name,
                    NamespaceProperty = obj.Metadata?.NamespaceProperty,
                    Uid = obj.Metadata?.Uid,
                    ResourceVersion = obj.Metadata?.ResourceVersion,
                },
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = component, Host = host },
                ReportingComponent = component,
                ReportingInstance = host,
            }, cancellationToken).ConfigureAwait(false);
            if (seen.Count >= MaxRemembered)
            {
                seen.Clear();
            }

            seen[key] = (ns, created.Metadata.Name, 1);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            LogFailed(logger, e, reason, obj.Metadata?.Name);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Could not record event {Reason} for {Name}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string reason, string? name);
}
