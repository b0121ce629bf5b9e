using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Retina.Testing.Tls;

/// <summary>Kestrel over HTTPS on a free loopback port with a certificate from a <see cref="TestCertificateAuthority"/>; the test maps the endpoints.</summary>
public sealed class HttpsTestHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private HttpsTestHost(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    /// <summary><c>https://localhost:&lt;port&gt;/</c> (the certificate names localhost and 127.0.0.1).</summary>
    public Uri BaseUri { get; }

    /// <summary>Requests served, by path, so a test can show a request never reached the server.</summary>
    public int Requests => Volatile.Read(ref requests);

    private int requests;

    public static async Task<HttpsTestHost> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        HttpsTestHost? host = null;
        app.Use((context, next) =>
        {
            if (host is not null)
            {
                Interlocked.Increment(ref host.requests);
            }

            return next(context);
        });
        map(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        host = new HttpsTestHost(app, new UriBuilder(address) { Host = "localhost" }.Uri);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
