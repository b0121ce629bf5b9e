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
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Retina.Controllers.Alerts;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>
/// The real receiver endpoint on a loopback port over a client of the fake API, with its token in a file; disposing it
/// is a controller restart (a new one starts from nothing but what the API holds).
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient http;

    private AlertReceiver(WebApplication app, Uri address, string token, AlertWebhookMetrics metrics)
    {
        this.app = app;
        Address = address;
        Token = token;
        Metrics = metrics;
        http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public string Token { get; }

    public AlertWebhookMetrics Metrics { get; }

    public static async Task<AlertReceiver> StartAsync(IKubeClient client, string tokenFile, AlertWebhookOptions? options = null, ILoggerFactory? loggers = null)
    {
        options ??= new AlertWebhookOptions();
        options.TokenFile = tokenFile;
        if (!File.Exists(tokenFile))
        {
            await File.WriteAllTextAsync(tokenFile, AlertWebhookTokens.NewToken() + "\n");
        }

        var metrics = new AlertWebhookMetrics(Prometheus.Metrics.NewCustomRegistry());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        AlertWebhookServiceCollectionExtensions.Map(app, client, "retina-system", options, loggers ?? NullLoggerFactory.Instance, TimeProvider.System, metrics);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new AlertReceiver(app, address, (await File.ReadAllTextAsync(tokenFile)).Trim(), metrics);
    }

    /// <summary>Posts a body as Alertmanager would (JSON, bearer token unless another or none is given).</summary>
    public async Task<(HttpStatusCode Code, JsonNode? Body)> PostAsync(string body, string? token = null, bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AlertWebhookEndpoint.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (withToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
