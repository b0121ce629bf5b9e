using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>
/// A loopback HTTPS server answering AdmissionReviews with <c>answer(request)</c> (the <c>response</c> object; the uid is
/// copied unless the answer sets one): the other end of the fake API's webhook calls, for the fake's own tests.
/// </summary>
public sealed class TestWebhookServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestWebhookServer(WebApplication app, TestWebhookCertificates certificates, IPEndPoint endPoint)
    {
        this.app = app;
        Certificates = certificates;
        EndPoint = endPoint;
    }

    public TestWebhookCertificates Certificates { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Every AdmissionReview request received, in order.</summary>
    public List<JsonObject> Received { get; } = [];

    public string Url(string path) => $"https://127.0.0.1:{EndPoint.Port}{path}";

    public static async Task<TestWebhookServer> StartAsync(Func<JsonObject, Task<JsonObject>> answer, params string[] dnsNames)
    {
        var certificates = TestWebhookCertificates.Create(dnsNames);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificates.Serving)));
        var app = builder.Build();
        TestWebhookServer? server = null;
        app.Run(async context =>
        {
            var review = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            var request = review?["request"] as JsonObject ?? [];
            lock (server!.Received)
            {
                server.Received.Add(request);
            }

            var response = await answer(request);
            response["uid"] ??= request["uid"]?.DeepClone();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["apiVersion"] = "admission.k8s.io/v1",
                ["kind"] = "AdmissionReview",
                ["response"] = response,
            }.ToJsonString(), context.RequestAborted);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server = new TestWebhookServer(app, certificates, new IPEndPoint(IPAddress.Loopback, address.Port));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Certificates.Dispose();
    }
}
