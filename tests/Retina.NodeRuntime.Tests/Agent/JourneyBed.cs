using System.Diagnostics;
using k8s.Models;
using Azure.Storage.Blobs;
using Retina.Controllers.Credentials;
using Retina.Controllers.Hosting;
using Retina.Controllers.Options;
using Retina.Kube.Client;
using Retina.Native.Packet;
using Retina.NodeRuntime.Agent;
using Retina.Testing.FakeKubeApi;
using Retina.Testing.FakeKubeApi.Auth;
using Retina.Testing.Logging;
using Retina.Testing.Netns;
using Retina.Testing.Tls;

namespace Retina.NodeRuntime.Tests.Agent;

/// <summary>
/// A whole cluster in one test: the fake API server, the real controllers, and two nodes — each a network namespace
/// of a NetnsPair with its own node runtime (in-process, or as a real child process that a test can SIGKILL).
/// </summary>
public sealed class JourneyBed : IAsyncDisposable
{
    private readonly List<(CancellationTokenSource Stop, Task Run, IAsyncDisposable Host)> runtimes = [];
    private readonly List<Process> processes = [];
    private CancellationTokenSource controllersStop = new();
    private Task controllers = Task.CompletedTask;
    private TestCertificateAuthority? ca;
    private HttpsTestHost? credentialEndpoint;

    private JourneyBed(NetnsPair pair, FakeKubeApiServer api, string root)
    {
        Pair = pair;
        Api = api;
        Client = api.CreateClient();
        Root = root;
    }

    public NetnsPair Pair { get; }

    /// <summary>Every log line of the controllers and in-process runtimes.</summary>
    public CollectingLoggerProvider Logs { get; } = new();

    public FakeKubeApiServer Api { get; }

    public IKubeClient Client { get; }

    public string Root { get; }

    public static string NodeA => "node-a";

    public static string NodeB => "node-b";

    public string HostPathBase(string node) => Path.Combine(Root, node, "captures");

    public static async Task<JourneyBed> StartAsync()
    {
        var pair = await NetnsPair.CreateAsync("jr");
        var api = await FakeKubeApiServer.StartAsync();
        var bed = new JourneyBed(pair, api, Directory.CreateTempSubdirectory("journey-").FullName);
        await bed.StartCredentialEndpointAsync();
        bed.StartControllers();
        foreach (var node in new[] { NodeA, NodeB })
        {
            await bed.Client.CreateAsync(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = node, Labels = new Dictionary<string, string> { ["role"] = "worker" } } }, CancellationToken.None);
        }

        return bed;
    }

    /// <param name="options">The controllers' options (default: no plugins on the nodes).</param>
    public void StartControllers(RetinaControllerOptions? options = null)
    {
        controllersStop = new CancellationTokenSource();
        var set = RetinaControllers.Create(Client, options ?? new RetinaControllerOptions { Plugins = [] }, Logs.CreateFactory(), TimeProvider.System);
        controllers = Task.WhenAll(set.Select(c => c.RunAsync(controllersStop.Token)));
    }

    /// <summary>
    /// The controllers' node credential endpoint on real HTTPS (a test CA stands in for the retina-controllers-ca
    /// ConfigMap), and for each node the token its projected volume would hold: the runtime's service account bound to that node.
    /// </summary>
    private async Task StartCredentialEndpointAsync()
    {
        const string audience = "retina.sh/node-credentials";
        ca = TestCertificateAuthority.Create();
        ca.WriteRootPem(Path.Combine(Root, "controllers-ca.crt"));
        var client = Api.CreateClient();
        credentialEndpoint = await HttpsTestHost.StartAsync(ca.IssueServer(), app => app.MapNodeCredentials(
            new NodeTokenAuthenticator(client, "retina-system", "retina-node-runtime", audience), new NodeCredentialResolver(client), Logs.CreateLogger("credentials")));
        foreach (var node in new[] { NodeA, NodeB })
        {
            Directory.CreateDirectory(Path.Combine(Root, node));
            File.WriteAllText(TokenPath(node), Api.AddUser(FakeUser.ServiceAccount("retina-system", "retina-node-runtime", node, audience)));
        }
    }

    private string TokenPath(string node) => Path.Combine(Root, node, "credentials.token");

    /// <summary>Stops every controller (as a leader's process dying would); the nodes keep running.</summary>
    public async Task StopControllersAsync()
    {
        await controllersStop.CancelAsync();
        await controllers.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public string NamespaceOf(string node) => node == NodeA ? Pair.NamespaceA : Pair.NamespaceB;

    public NodeAgentOptions AgentOptions(string node) => new()
    {
        NodeName = node,
        NetworkNamespace = NetworkNamespace.PathOf(NamespaceOf(node)),
        MetricsAddress = "127.0.0.1:0",
        CaptureBaseDirectory = HostPathBase(node),
        WorkDirectory = Path.Combine(Root, node, "work"),
        PluginStateDirectory = Path.Combine(Root, node, "plugins"),
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatInterval = TimeSpan.FromSeconds(2),
        CredentialEndpoint = credentialEndpoint!.BaseUri.ToString(),
        CredentialTokenPath = TokenPath(node),
        ControllersCaPath = Path.Combine(Root, "controllers-ca.crt"),
    };

    /// <summary>Runs a node's runtime inside this test process.</summary>
    public async Task StartRuntimeAsync(string node)
    {
        var stop = new CancellationTokenSource();
        var host = await NodeRuntimeHost.StartAsync(Client, AgentOptions(node), Logs.CreateFactory(), TimeProvider.System, stop.Token,
            configureCapture: o => o with
            {
                BlobClientOptionsFactory = () => new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06),
                PlainHttp = new Retina.NodeRuntime.Capture.Outputs.PlainHttpPolicy(["127.0.0.1"]), // Azurite and s3rver on loopback
            });
        runtimes.Add((stop, host.RunAsync(stop.Token), host));
    }

    /// <summary>Runs a node's runtime as the real binary in a child process (talking to the fake API through a kubeconfig).</summary>
    public Process StartRuntimeProcess(string node)
    {
        var o = AgentOptions(node);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Retina.NodeRuntime.dll"));
        foreach (var (key, value) in new[]
        {
            ("NodeName", o.NodeName), ("NetworkNamespace", o.NetworkNamespace!), ("MetricsAddress", o.MetricsAddress),
            ("CaptureBaseDirectory", o.CaptureBaseDirectory), ("WorkDirectory", o.WorkDirectory), ("PluginStateDirectory", o.PluginStateDirectory),
            ("ProgressInterval", "00:00:00.200"), ("HeartbeatInterval", "00:00:02"),
            ("CredentialEndpoint", o.CredentialEndpoint!), ("CredentialTokenPath", o.CredentialTokenPath), ("ControllersCaPath", o.ControllersCaPath),
        })
        {
            psi.ArgumentList.Add($"--Retina:NodeRuntime:{key}={value}");
        }

        psi.Environment["KUBECONFIG"] = Api.WriteKubeconfig(Path.Combine(Root, "kubeconfig"));
        psi.Environment["RETINA_CONFIG"] = Path.Combine(Root, "no-config.json");
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        // The namespaces and the folder go even when stopping a runtime fails: a leaked namespace outlives the test run.
        try
        {
            foreach (var p in processes.Where(p => !p.HasExited))
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            foreach (var (stop, run, host) in runtimes)
            {
                await stop.CancelAsync();
                try
                {
                    await run.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
                {
                    // stopped by cancellation, or stuck: the host is disposed either way
                }

                await host.DisposeAsync();
            }

            await StopControllersAsync();
            if (credentialEndpoint is not null)
            {
                await credentialEndpoint.DisposeAsync();
            }

            ca?.Dispose();
            await Api.DisposeAsync();
        }
        finally
        {
            await Pair.DisposeAsync();
            Directory.Delete(Root, recursive: true);
        }
    }
}
