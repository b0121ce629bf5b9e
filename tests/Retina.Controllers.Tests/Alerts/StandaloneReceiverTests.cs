using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Controllers.Alerts;
using Retina.Controllers.Hosting;
using Retina.Kube.Store;
using Retina.Testing.Waiting;

namespace Retina.Controllers.Tests.Alerts;

/// <summary>Local mode's receiver: plain HTTP on loopback, the token file created at first start with mode 0600.</summary>
public sealed class StandaloneReceiverTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_first_start_creates_a_private_token_file_and_the_receiver_accepts_only_that_token()
    {
        var dir = Directory.CreateTempSubdirectory("standalone-").FullName;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var tokenFile = Path.Combine(dir, ".retina", "alert-webhook-token");
            var port = Retina.Testing.Azurite.NodeTool.FreePort();
            var store = new InMemoryKubeClient();
            var run = AlertWebhookServiceCollectionExtensions.RunStandaloneAsync(store, new IPEndPoint(IPAddress.Loopback, port),
                new() { TokenFile = tokenFile }, NullLoggerFactory.Instance, new AlertWebhookMetrics(Prometheus.Metrics.NewCustomRegistry()), cts.Token);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var body = Notifications.Of(Notifications.PodDrops("default", "web-1", "fp1"));

            async Task<HttpStatusCode?> PostAsync(string? token)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, AlertWebhookEndpoint.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                try
                {
                    using var response = await http.SendAsync(request, cts.Token);
                    return response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }

            await Until.TrueAsync(async () => await PostAsync(null) is not null, "the receiver listens");
            File.GetUnixFileMode(tokenFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            token.Length.ShouldBeGreaterThanOrEqualTo(43, "256 bits");

            (await PostAsync(null)).ShouldBe(HttpStatusCode.Unauthorized);
            (await PostAsync(token + "x")).ShouldBe(HttpStatusCode.Unauthorized);
            (await PostAsync(token)).ShouldBe(HttpStatusCode.OK);

            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

}
