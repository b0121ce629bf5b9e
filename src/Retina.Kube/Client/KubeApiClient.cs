using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Retina.Kube.Json;

namespace Retina.Kube.Client;

/// <summary>
/// <see cref="IKubeClient"/> over KubernetesClient's HTTP stack (its HttpClient, TLS and credentials). Requests are
/// issued directly so that watches can resume from a version, request bookmarks and a server timeout, and so that a
/// 410 arrives as an event rather than through KubernetesClient's onError.
/// </summary>
public sealed class KubeApiClient : IKubeClient, ISubresourceClient, IDisposable
{
    private readonly Kubernetes kubernetes;
    private readonly bool ownsClient;
    private readonly string baseUri;

    /// <summary>As client-go: a 429, or a 5xx with Retry-After, is retried after the server's delay, up to this many times.</summary>
    public const int MaxRetries = 10;

    /// <summary>The longest Retry-After honoured; a longer one is waited this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public KubeApiClient(KubernetesClientConfiguration configuration)
        : this(new Kubernetes(configuration), ownsClient: true)
    {
    }

    public KubeApiClient(Kubernetes kubernetes, bool ownsClient = false)
    {
        this.kubernetes = kubernetes;
        this.ownsClient = ownsClient;
        baseUri = kubernetes.BaseUri.ToString().TrimEnd('/');
    }

    public async Task<T?> GetAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        try
        {
            var node = await SendAsync(HttpMethod.Get, d.ObjectPath(ns, name), null, null, cancellationToken).ConfigureAwait(false);
            return ToTyped<T>(node, d);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<KubeList<T>> ListAsync<T>(ListOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        var query = Query(("labelSelector", options.LabelSelector), ("fieldSelector", options.FieldSelector));
        var node = await SendAsync(HttpMethod.Get, d.CollectionPath(options.Namespace) + query, null, null, cancellationToken).ConfigureAwait(false);
        var items = (node["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => ToTyped<T>(i, d)).ToList();
        return new KubeList<T>(items, (string?)node["metadata"]?["resourceVersion"] ?? "");
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        var query = Query(
            ("watch", "true"),
            ("resourceVersion", options.ResourceVersion),
            ("allowWatchBookmarks", options.AllowBookmarks ? "true" : null),
            ("timeoutSeconds", options.Timeout is { } t ? ((int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : null),
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector));
        using var response = await SendRawAsync(HttpMethod.Get, d.CollectionPath(options.Namespace) + query, null, null, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var node = JsonNode.Parse(line);
            var type = ((string?)node?["type"])?.ToUpperInvariant();
            if (node?["object"] is not JsonObject obj)
            {
                continue;
            }

            yield return type switch
            {
                "ADDED" => new WatchEvent<T>(WatchEventKind.Added, ToTyped<T>(obj, d)),
                "MODIFIED" => new WatchEvent<T>(WatchEventKind.Modified, ToTyped<T>(obj, d)),
                "DELETED" => new WatchEvent<T>(WatchEventKind.Deleted, ToTyped<T>(obj, d)),
                "BOOKMARK" => new WatchEvent<T>(WatchEventKind.Bookmark, ToTyped<T>(obj, d)),
                _ => new WatchEvent<T>(WatchEventKind.Error, null, KubeJson.FromNode<V1Status>(obj)),
            };
        }
    }

    public async Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        var body = Body(obj, d);
        var node = await SendAsync(HttpMethod.Post, d.CollectionPath(obj.Metadata?.NamespaceProperty), body, "application/json", cancellationToken).ConfigureAwait(false);
        return ToTyped<T>(node, d);
    }

    public async Task<T> UpdateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        var path = d.ObjectPath(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "");
        var node = await SendAsync(HttpMethod.Put, path, Body(obj, d), "application/json", cancellationToken).ConfigureAwait(false);
        return ToTyped<T>(node, d);
    }

    public Task<T> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => PatchCoreAsync<T>(name, ns, patch, null, cancellationToken);

    public Task<T> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => PatchCoreAsync<T>(name, ns, patch, "status", cancellationToken);

    public Task<T> PatchSubresourceAsync<T>(string name, string? ns, string subresource, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => PatchCoreAsync<T>(name, ns, patch, subresource, cancellationToken);

    public async Task<bool> DeleteAsync<T>(string name, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        try
        {
            await SendAsync(HttpMethod.Delete, d.ObjectPath(ns, name), null, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (ownsClient)
        {
            kubernetes.Dispose();
        }
    }

    private async Task<T> PatchCoreAsync<T>(string name, string? ns, KubePatch patch, string? subresource, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var d = ResourceDescriptor.For<T>();
        var node = await SendAsync(HttpMethod.Patch, d.ObjectPath(ns, name, subresource), patch.Body, patch.ContentType, cancellationToken).ConfigureAwait(false);
        return ToTyped<T>(node, d);
    }

    private static string Body<T>(T obj, ResourceDescriptor d)
    {
        var node = KubeJson.ToNode(obj!);
        node["apiVersion"] = d.ApiVersion;
        node["kind"] = d.Kind;
        return node.ToJsonString();
    }

    private static T ToTyped<T>(JsonObject node, ResourceDescriptor d)
    {
        // List items and some responses omit apiVersion/kind; typed objects should always carry them.
        node["apiVersion"] ??= d.ApiVersion;
        node["kind"] ??= d.Kind;
        return KubeJson.FromNode<T>(node);
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, contentType, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(text) as JsonObject ?? throw new KubeApiException(response.StatusCode, "InvalidResponse", "the API answered with a non-object body");
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(baseUri + path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
            }

            if (kubernetes.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                // The server did not act on a throttled request (APF's 429, or a 5xx, saying when to come back): wait and resend.
                if (attempt < MaxRetries && RetryAfter(response) is { } wait)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                V1Status? status = null;
                try
                {
                    status = KubernetesJson.Deserialize<V1Status>(text);
                }
                catch (System.Text.Json.JsonException)
                {
                    // Not a Status body (e.g. a proxy's error page): keep the raw text as the message.
                }

                throw KubeApiException.FromStatus(response.StatusCode, status?.Kind == "Status" ? status : null,
                    $"{(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(text)}");
            }
        }
    }

    /// <summary>The delay a 429 or 5xx asks for in its Retry-After header; without the header it is not retried (as client-go).</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        if ((code != 429 && code < 500) || response.Headers.RetryAfter?.Delta is not { } after)
        {
            return null;
        }

        return after > MaxRetryAfter ? MaxRetryAfter : after < TimeSpan.Zero ? TimeSpan.Zero : after;
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;
}
