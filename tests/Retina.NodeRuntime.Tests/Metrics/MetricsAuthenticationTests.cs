using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Metrics;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using NodeMetrics = Retina.NodeRuntime.Metrics.NodeMetrics;

namespace Retina.NodeRuntime.Tests.Metrics;

/// <summary>The metrics listener binds where configured and, with TokenReview, serves only authorized scrapers over https.</summary>
public sealed class MetricsAuthenticationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_listener_binds_only_the_configured_address()
    {
        await using var exporter = new MetricsExporter(new NodeMetrics(), new MetricsExporterOptions { Address = "127.0.0.1:0" });
        await exporter.StartAsync(None);
        exporter.BoundAddress!.Host.ShouldBe("127.0.0.1");

        var other = LocalAddressOtherThanLoopback();
        if (other is not null)
        {
            using var probe = new TcpClient();
            await Should.ThrowAsync<SocketException>(() => probe.ConnectAsync(other, exporter.BoundAddress.Port));
        }
    }

    [Fact]
    public async Task With_TokenReview_an_unauthenticated_scrape_is_refused_and_an_authorized_one_is_served_over_https()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        var admin = api.CreateClient();
        var prometheus = FakeUser.ServiceAccount("monitoring", "prometheus");
        var stranger = FakeUser.ServiceAccount("team-a", "app");
        var prometheusToken = api.AddUser(prometheus);
        var strangerToken = api.AddUser(stranger);
        await admin.CreateAsync(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = "scrape" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes/metrics"], Verbs = ["get"] }],
        }, None);
        await admin.CreateAsync(new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new() { Name = "scrape" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "scrape" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "prometheus", NamespaceProperty = "monitoring" }],
        }, None);

        using var certificate = SelfSigned();
        var metrics = new NodeMetrics();
        metrics.Lost("dns", "channel_full");
        await using var exporter = new MetricsExporter(metrics, new MetricsExporterOptions
        {
            Address = "127.0.0.1:0",
            Authorizer = new TokenReviewScrapeAuthorizer(api.CreateClient(), "node-a", TimeProvider.System),
            Certificate = certificate,
        });
        await exporter.StartAsync(None);
        exporter.BoundAddress!.Scheme.ShouldBe("https");
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
        var url = new Uri(exporter.BoundAddress, "/metrics");

        async Task<(HttpStatusCode Code, string Body, HttpResponseMessage Response)> Scrape(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        var anonymous = await Scrape(null);
        anonymous.Code.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        anonymous.Body.ShouldNotContain("networkobservability");
        (await Scrape("not-a-token")).Code.ShouldBe(HttpStatusCode.Unauthorized);
        var forbidden = await Scrape(strangerToken);
        forbidden.Code.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Body.ShouldBe("system:serviceaccount:team-a:app may not get nodes/metrics of node-a\n");
        var allowed = await Scrape(prometheusToken);
        allowed.Code.ShouldBe(HttpStatusCode.OK);
        allowed.Body.ShouldContain("networkobservability_");
        (await http.GetAsync(new Uri(exporter.BoundAddress, "/healthz"))).StatusCode.ShouldBe(HttpStatusCode.OK, "probes need no token and get no data");

        using var plain = new HttpClient();
        await Should.ThrowAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{exporter.BoundAddress.Port}/metrics")));
    }

    [Theory]
    [InlineData("TokenReview", null, "needs MetricsTlsCertFile and MetricsTlsKeyFile: bearer tokens must not cross the network in clear")]
    [InlineData("Basic", null, "MetricsAuthentication \"Basic\" must be None or TokenReview")]
    [InlineData("TokenReview", "/etc/retina/tls/tls.crt", null)]
    public void The_authenticated_option_requires_tls(string mode, string? cert, string? problem)
    {
        var problems = new NodeAgentOptions { NodeName = "n", MetricsAuthentication = mode, MetricsTlsCertFile = cert, MetricsTlsKeyFile = cert is null ? null : "/etc/retina/tls/tls.key" }.Validate();
        if (problem is null)
        {
            problems.ShouldBeEmpty();
        }
        else
        {
            problems.ShouldContain(p => p.Contains(problem, StringComparison.Ordinal));
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=retina-node-runtime", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private static IPAddress? LocalAddressOtherThanLoopback() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
