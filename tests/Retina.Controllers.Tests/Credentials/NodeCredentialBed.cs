using Retina.Api.NodeRuntime;
using Retina.Controllers.Credentials;
using Retina.Controllers.Tests.Support;
using Retina.Kube.Client;
using Retina.NodeRuntime.Credentials;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Logging;
using Retina.Testing.Tls;
using Retina.Testing.Waiting;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;

namespace Retina.Controllers.Tests.Credentials;

/// <summary>
/// The real controllers over the fake API, the credential endpoint on real HTTPS with a test CA, and a node-side
/// client per node that presents that node's bound token, as the DaemonSet's projected volume would.
/// </summary>
internal sealed class NodeCredentialBed : IAsyncDisposable
{
    public const string Audience = "retina.sh/node-credentials";

    private readonly List<IDisposable> clients = [];

    private NodeCredentialBed(ControllerHarness harness, TestCertificateAuthority ca, HttpsTestHost endpoint, string dir, CollectingLoggerProvider logs)
    {
        Logs = logs;
        Harness = harness;
        Ca = ca;
        Endpoint = endpoint;
        Directory = dir;
    }

    public ControllerHarness Harness { get; }

    public TestCertificateAuthority Ca { get; }

    public HttpsTestHost Endpoint { get; }

    public string Directory { get; }

    public CollectingLoggerProvider Logs { get; }

    public static async Task<NodeCredentialBed> StartAsync()
    {
        var harness = await ControllerHarness.StartAsync();
        var ca = TestCertificateAuthority.Create();
        var dir = System.IO.Directory.CreateTempSubdirectory("node-creds-").FullName;
        var logs = new CollectingLoggerProvider();
        var endpoint = await HttpsTestHost.StartAsync(ca.IssueServer(), app =>
        {
            var client = harness.Api.CreateClient();
            app.MapNodeCredentials(new NodeTokenAuthenticator(client, "retina-system", "retina-node-runtime", Audience), new NodeCredentialResolver(client), logs.CreateLogger("credentials"));
        });
        return new NodeCredentialBed(harness, ca, endpoint, dir, logs);
    }

    /// <summary>A node runtime's credential client presenting a token for <paramref name="user"/> (by default: the runtime's service account bound to <paramref name="node"/>).</summary>
    public ControllerCredentialClient ClientFor(string node, FakeUser? user = null, string? caPem = null)
    {
        var token = Harness.Api.AddUser(user ?? FakeUser.ServiceAccount("retina-system", "retina-node-runtime", node, Audience));
        var tokenPath = Path.Combine(Directory, node + "-" + Guid.NewGuid().ToString("N") + ".token");
        File.WriteAllText(tokenPath, token);
        var caPath = Path.Combine(Directory, Guid.NewGuid().ToString("N") + "-ca.crt");
        File.WriteAllText(caPath, caPem ?? Ca.RootPem);
        var client = new ControllerCredentialClient(new ControllerCredentialOptions
        {
            Endpoint = Endpoint.BaseUri, TokenPath = tokenPath, CaPath = caPath, Attempts = 1,
        });
        clients.Add(client);
        return client;
    }

    public async Task<NodeCaptureAssignment> AssignmentOnAsync(string node) =>
        (await Until.ValueAsync(() => Harness.Client.GetAsync<NodeRuntimeObject>(node, null, CancellationToken.None),
            r => r?.Spec.Captures is { Count: > 0 }, $"{node} gets the capture"))!.Spec.Captures![0];

    public async ValueTask DisposeAsync()
    {
        foreach (var c in clients)
        {
            c.Dispose();
        }

        await Endpoint.DisposeAsync();
        await Harness.DisposeAsync();
        Ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
