using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retina.Controllers.Admission;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Controllers.Tls;
using Retina.Kube.Client;
using Retina.Kube.Store;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.FakeKubeApi.Webhooks;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;

namespace Retina.Controllers.Tests.Admission;

/// <summary>
/// The fake API with our shipped webhook configurations (kustomize/base/admission/webhooks.yaml), and the controllers'
/// real HTTPS webhook host (the same AddAdmissionWebhook, ListenHttps and MapHttpsEndpoints as Program.cs) behind the
/// Service the configurations name; the fake reaches it as a real server reaches a Service, and verifies its
/// certificate against the caBundle the controller patched in.
/// </summary>
public sealed class WebhookBed : IAsyncDisposable
{
    public const string Namespace = "retina-system";

    private readonly List<WebApplication> hosts = [];

    private WebhookBed(FakeKubeApiServer api) => Api = api;

    public FakeKubeApiServer Api { get; }

    /// <summary>The replicas started, in order (the first is the one StartAsync started).</summary>
    public IReadOnlyList<WebApplication> Hosts => hosts;

    public static async Task<WebhookBed> StartAsync(Action<FakeKubeApiOptions>? configure = null, bool waitForCaBundle = true, Action<IServiceCollection>? services = null,
        Action<RetinaControllerOptions>? controllerOptions = null)
    {
        var bed = new WebhookBed(await FakeKubeApiServer.StartAsync(configure));
        foreach (var doc in YamlJson.ParseFile(RepoPaths.Combine("kustomize/base/admission/webhooks.yaml")))
        {
            bed.Api.Store.Create(doc["kind"]!.GetValue<string>() == "ValidatingWebhookConfiguration" ? FakeWebhookKinds.ValidatingConfigurations : FakeWebhookKinds.MutatingConfigurations, null, doc);
        }

        if (waitForCaBundle)
        {
            var host = await bed.StartHostAsync(bed.Api.CreateClient(), services: services, controllerOptions: controllerOptions);
            bed.Api.WebhookServices[(Namespace, WebhookNames.Service, 443)] = Endpoint(host);
            await Until.TrueAsync(() => bed.CaBundles().All(b => b is not null), "the controller patched caBundle into both configurations");
        }

        return bed;
    }

    /// <summary>Starts one replica of the webhook host (its own TLS source and listener) and returns it.</summary>
    public async Task<WebApplication> StartHostAsync(IKubeClient client, WebhookTlsOptions? tls = null, Action<IServiceCollection>? services = null,
        Action<RetinaControllerOptions>? controllerOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenHttps(new IPEndPoint(IPAddress.Loopback, 0)));
        builder.Services.AddSingleton(client);
        services?.Invoke(builder.Services);
        var options = new RetinaControllerOptions { Namespace = Namespace };
        controllerOptions?.Invoke(options);
        builder.Services.AddAdmissionWebhook(options, tls ?? new WebhookTlsOptions { CheckInterval = "200ms" });
        var app = builder.Build();
        app.MapHttpsEndpoints();
        await app.StartAsync();
        hosts.Add(app);
        return app;
    }

    public static IPEndPoint Endpoint(WebApplication host) =>
        new(IPAddress.Loopback, new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port);

    public List<string?> CaBundles() =>
    [
        .. new[] { (FakeWebhookKinds.ValidatingConfigurations, WebhookNames.ValidatingConfiguration), (FakeWebhookKinds.MutatingConfigurations, WebhookNames.MutatingConfiguration) }
            .SelectMany(c => Api.Store.Get(c.Item1, null, c.Item2)["webhooks"]!.AsArray().Select(w => (string?)w!["clientConfig"]!["caBundle"])),
    ];

    /// <summary>Sends <paramref name="obj"/> as kubectl would (POST, or PUT when <paramref name="update"/>) with <paramref name="user"/>'s token.</summary>
    public async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(FakeUser user, JsonObject obj, bool update = false)
    {
        var token = Api.AddUser(user);
        var d = Api.Store.FindByKind((string)obj["apiVersion"]!, (string)obj["kind"]!)!;
        var ns = d.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;
        var path = update ? d.ObjectPath(ns, (string)obj["metadata"]!["name"]!) : d.CollectionPath(ns);
        using var http = new HttpClient { BaseAddress = Api.BaseUri };
        using var request = new HttpRequestMessage(update ? HttpMethod.Put : HttpMethod.Post, path)
        {
            Content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        await Api.DisposeAsync();
    }
}
