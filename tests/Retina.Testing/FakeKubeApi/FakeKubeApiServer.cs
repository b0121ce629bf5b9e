using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Kube.Client;
using Retina.Kube.Store;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Kube.Schema;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// A fake Kubernetes API server on a free loopback port, speaking the real paths and JSON so that the real
/// KubernetesClient stack can be tested against it, with fault injection and request counters. See README.md.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly FakeKubeApiHandler handler;

    private FakeKubeApiServer(WebApplication app, FakeKubeApiHandler handler, ApiObjectStore store)
    {
        this.app = app;
        this.handler = handler;
        Store = store;
    }

    /// <summary>The objects behind the API; tests may read or write it directly to act "out of band".</summary>
    public ApiObjectStore Store { get; }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Added before every request is handled.</summary>
    public TimeSpan Latency
    {
        get => handler.Latency;
        set => handler.Latency = value;
    }

    /// <summary>While true, open watches are closed and new watch requests are answered 500 (the watch is "down").</summary>
    public bool WatchesDown
    {
        get => handler.WatchesDown;
        set
        {
            handler.WatchesDown = value;
            if (value)
            {
                CloseAllWatches();
            }
        }
    }

    /// <summary>When set, every watch (open or new) sends a 410 Expired ERROR event after this many more events and ends.</summary>
    public int? ExpireWatchesAfterEvents
    {
        get => handler.ExpireAfterEvents;
        set => handler.SetExpiry(value);
    }

    public int OpenWatches => handler.OpenWatches;

    /// <summary>
    /// Where webhooks' <c>clientConfig.service</c> entries are reached (see <see cref="FakeKubeApiOptions.WebhookServices"/>);
    /// settable after start, for a webhook server that needs this API to start.
    /// </summary>
    public IDictionary<(string Namespace, string Name, int Port), EndPoint> WebhookServices => handler.Options.WebhookServices;

    public static async Task<FakeKubeApiServer> StartAsync(Action<FakeKubeApiOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new FakeKubeApiOptions();
        configure?.Invoke(options);
        var admission = options.ValidateSchemas
            ? new CrdSchemaAdmission(options.CrdDirectory is { } dir ? CrdSchemaCatalog.Load(dir) : RepositoryCrds.Schemas)
            : null;
        var store = new ApiObjectStore(options.TimeProvider, options.HistoryLimit, admission);
        foreach (var d in FakeKubeApiResources.BuiltIn.Concat(options.RegisterRetinaKinds ? FakeKubeApiResources.Retina : []).Concat(options.CustomResources))
        {
            store.Register(d);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var handler = new FakeKubeApiHandler(store, options, admission);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeKubeApiServer(app, handler, store) { BaseUri = new Uri(address) };
    }

    /// <summary>A client configuration pointing at this server (plain HTTP, no credentials).</summary>
    public KubernetesClientConfiguration ClientConfiguration() => new() { Host = BaseUri.ToString() };

    /// <summary>A KubeApiClient over the real KubernetesClient stack, pointing at this server.</summary>
    public KubeApiClient CreateClient() => new(ClientConfiguration());

    /// <summary>A client that authenticates as <paramref name="user"/> (a bearer token the fake maps to it).</summary>
    public KubeApiClient CreateClient(FakeUser user) => new(ClientConfiguration(AddUser(user)));

    /// <summary>A client configuration that sends <paramref name="token"/> as its bearer token.</summary>
    public KubernetesClientConfiguration ClientConfiguration(string token) => new() { Host = BaseUri.ToString(), AccessToken = token };

    /// <summary>Issues a bearer token for <paramref name="user"/>: requests with it are that user, and TokenReview says so.</summary>
    public string AddUser(FakeUser user)
    {
        var token = "fake-" + Guid.NewGuid().ToString("N");
        handler.Tokens[token] = user;
        return token;
    }

    /// <summary>Revokes a token (TokenReview then answers unauthenticated), as deleting a pod revokes its bound token.</summary>
    public void RevokeToken(string token) => handler.Tokens.TryRemove(token, out _);

    /// <summary>RBAC over the store's Roles and bindings: what SubjectAccessReview answers and, with AuthorizeRequests, every request.</summary>
    public FakeRbacAuthorizer Rbac => handler.Rbac;

    /// <summary>
    /// Stores every RBAC object (and ServiceAccount) of a YAML file, e.g. <c>kustomize/base/rbac/node-runtime.yaml</c>,
    /// with <paramref name="defaultNamespace"/> for namespaced ones that name none (as kustomize's namespace would).
    /// </summary>
    public void ApplyRbacFile(string path, string defaultNamespace = "retina-system")
    {
        foreach (var doc in YamlJson.ParseFile(path))
        {
            var kind = doc["kind"]?.GetValue<string>();
            var d = Store.FindByKind(doc["apiVersion"]?.GetValue<string>() ?? "", kind ?? "")
                ?? throw new InvalidOperationException($"{path}: the fake does not serve {kind}");
            var ns = d.Namespaced ? doc["metadata"]?["namespace"]?.GetValue<string>() ?? defaultNamespace : null;
            Store.Create(d, ns, doc);
        }
    }

    /// <summary>Writes a kubeconfig file for this server and returns its path.</summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {BaseUri}
            users:
            - name: fake
              user:
                token: fake-token
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            current-context: fake
            """));
        return path;
    }

    public void RegisterCustomResource(ResourceDescriptor descriptor) => Store.Register(descriptor);

    /// <summary>Ends every open watch stream (as a restarted API server or a dropped connection would).</summary>
    public void CloseAllWatches() => handler.CloseAllWatches();

    /// <summary>Failures to inject into matching requests (500s, 429 with Retry-After, hangs, lost answers of applied writes).</summary>
    public FakeFaults Faults => handler.Faults;

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="code"/> (500 by default).</summary>
    public void FailNextRequests(int count, HttpStatusCode code = HttpStatusCode.InternalServerError) => handler.FailNext(count, code);

    /// <summary>Requests counted by verb (get, list, watch, create, update, patch, delete), plural and subresource.</summary>
    public int RequestCount(string verb, string? plural = null, string? subresource = null) =>
        handler.Counters.Where(p => p.Key.Verb == verb && (plural is null || p.Key.Plural == plural) && (subresource is null || p.Key.Subresource == subresource))
            .Sum(p => p.Value);

    /// <summary>All writes (create, update, patch, delete), optionally of one plural.</summary>
    public int WriteCount(string? plural = null) =>
        new[] { "create", "update", "patch", "delete" }.Sum(v => RequestCount(v, plural));

    public IReadOnlyDictionary<(string Verb, string Plural, string Subresource), int> Requests =>
        new ConcurrentDictionary<(string, string, string), int>(handler.Counters);

    public async ValueTask DisposeAsync()
    {
        handler.CloseAllWatches();
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
