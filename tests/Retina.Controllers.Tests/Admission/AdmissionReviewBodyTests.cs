using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Retina.Controllers.Admission;
using Retina.Testing.Waiting;

namespace Retina.Controllers.Tests.Admission;

/// <summary>Hostile bodies sent straight to the webhook: each is refused with a 4xx and the next good review is still answered.</summary>
public sealed class AdmissionReviewBodyTests
{
    public static TheoryData<string, int> Bodies() => new()
    {
        { "not json at all", 400 },
        { "[]", 400 },
        { """{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}""", 400 },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"kind":"Capture"},"operation":"CREATE","userInfo":{}}}""", 400 },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Capture"},"operation":"EXPLODE","userInfo":{}}}""", 400 },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Capture"},"operation":"CREATE","userInfo":{"groups":"admins"}}}""", 400 },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Capture"},"operation":"CREATE","userInfo":{},"object":"x"}}""", 400 },
        { "DEEP", 400 },
        { "HUGE", 413 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_hostile_review_is_refused_per_request_and_the_webhook_keeps_answering(string body, int expected)
    {
        await using var bed = await WebhookBed.StartAsync();
        using var http = Client(bed);
        var content = body switch
        {
            "DEEP" => new string('[', 100_000) + new string(']', 100_000),
            "HUGE" => "{\"pad\":\"" + new string('x', AdmissionWebhook.MaxBodyBytes) + "\"}",
            _ => body,
        };

        foreach (var path in new[] { WebhookNames.ValidatePath, WebhookNames.MutatePath })
        {
            using var response = await http.PostAsync(path, new StringContent(content, Encoding.UTF8, "application/json"));
            Assert.Equal(expected, (int)response.StatusCode);
        }

        using var ok = await http.PostAsync(WebhookNames.ValidatePath, new StringContent(GoodReview(), Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal("u-1", (string?)answer["response"]!["uid"]);
        Assert.False((bool)answer["response"]!["allowed"]!);
        Assert.Contains("spec.duration", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_paths_are_not_served_over_plain_http()
    {
        await using var bed = await WebhookBed.StartAsync();
        var endpoint = WebhookBed.Endpoint(bed.Hosts[0]);
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoint.Port}") };

        var e = await Record.ExceptionAsync(() => plain.PostAsync(WebhookNames.ValidatePath, new StringContent(GoodReview(), Encoding.UTF8, "application/json")));

        Assert.True(e is HttpRequestException, $"a plain HTTP request to the TLS listener must fail, got {e}");
    }

    private static HttpClient Client(WebhookBed bed)
    {
        var endpoint = WebhookBed.Endpoint(bed.Hosts[0]);
        // Robustness, not trust, is under test here; trust is WebhookTlsTests' and the fake's business.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{endpoint.Port}") };
    }

    private static string GoodReview() => """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
         "kind":{"group":"retina.sh","version":"v1alpha1","kind":"TraceSession"},"operation":"CREATE","name":"t","namespace":"default",
         "userInfo":{"username":"alice","groups":["system:authenticated"]},
         "object":{"apiVersion":"retina.sh/v1alpha1","kind":"TraceSession","metadata":{"name":"t","namespace":"default"},"spec":{"duration":"0s","events":["drop"]}}}}
        """;
}
