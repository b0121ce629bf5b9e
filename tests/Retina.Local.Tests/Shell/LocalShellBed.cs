using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api.ShellSession;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Store;
using Retina.Local.Shell;
using Retina.Testing.Waiting;
using Session = Retina.Api.ShellSession.ShellSession;

namespace Retina.Local.Tests.Shell;

/// <summary>Local mode's shell controller over an in-memory store, with its own short state directory.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class LocalShellBed : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public LocalShellBed()
    {
        State = Path.Combine("/tmp", "rs-" + Guid.NewGuid().ToString("N")[..8], "state");
        Directory.CreateDirectory(State);
        (var controller, Reconciler) = Retina.Local.Shell.LocalShells.Create(Store, ShellPolicy.Default, new LocalShellSettings("this-node", State), NullLoggerFactory.Instance,
            TimeProvider.System, new ControllerOptions());
        running = controller.RunAsync(stop.Token);
    }

    public InMemoryKubeClient Store { get; } = new();

    public LocalShellReconciler Reconciler { get; }

    public string State { get; }

    public async Task<Session> CreateAsync(string name, string profile, string ttl = "5m", string hostFilesystem = "None", List<string>? capabilities = null,
        string expect = ShellPhase.Running)
    {
        var s = new Session { ApiVersion = "retina.sh/v1alpha1", Kind = "ShellSession" };
        s.Metadata.Name = name;
        s.Metadata.NamespaceProperty = "default";
        s.Spec.Target.NodeName = LocalShellSettings.ThisHost;
        s.Spec.Profile = profile;
        s.Spec.HostFilesystem = hostFilesystem;
        s.Spec.Capabilities = capabilities;
        s.Spec.Ttl = ttl;
        await Store.CreateAsync(s, CancellationToken.None);
        return await PhaseAsync(name, expect);
    }

    public Task<Session> PhaseAsync(string name, string phase) =>
        Until.ValueAsync(async () => (await Store.GetAsync<Session>(name, "default", CancellationToken.None))!, s => s?.Status?.Phase == phase, $"{name} is {phase}")!;

    /// <summary>Runs commands through <c>retina attach</c>'s client (plain stdin/stdout) and returns what the terminal printed.</summary>
    public async Task<string> RunAsync(string name, string commands)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(commands + "\nexit\n"));
        using var output = new MemoryStream();
        var rc = await AttachClient.RunAsync(LocalShellPaths.Socket(State, "default", name), input, output, terminal: false, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        rc.ShouldBe(0);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        await Reconciler.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(State)!, recursive: true);
    }
}
