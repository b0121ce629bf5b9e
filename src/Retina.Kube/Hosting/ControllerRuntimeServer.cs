using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Retina.Kube.Hosting;

/// <summary>A tiny Kestrel endpoint serving /healthz, /readyz and /metrics for a manager, on a given address (port 0 = any free port).</summary>
public sealed class ControllerRuntimeServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ControllerRuntimeServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ControllerRuntimeServer> StartAsync(string url, ControllerManager manager, ControllerRuntimeOptions? options = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton(options ?? new ControllerRuntimeOptions());
        var app = builder.Build();
        app.MapHealth();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControllerRuntimeServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
