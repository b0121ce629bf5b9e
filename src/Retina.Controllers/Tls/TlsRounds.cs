using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Retina.Controllers.Tls;

/// <summary>
/// The schedule both TLS sources share: a first round before the HTTPS listener opens (hosted services start before
/// the server), then a round every <see cref="WebhookTlsOptions.CheckInterval"/>, and after a transient failure a
/// retry within 5 s. Each source says what one round does and which failures are transient.
/// </summary>
public abstract partial class TlsRounds(WebhookTlsOptions options, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The TLS settings (interval, files or Secret).</summary>
    protected WebhookTlsOptions Options { get; } = options;

    protected TimeProvider Time { get; } = time;

    /// <summary>How long start-up waits for the first certificate, so the listener opens with one (then it keeps trying in the background).</summary>
    public static readonly TimeSpan FirstRoundTimeout = TimeSpan.FromSeconds(30);

    /// <summary>One round: obtain the certificate, serve it, publish the CA.</summary>
    public abstract Task RunOnceAsync(CancellationToken ct);

    /// <summary>A failure the next round may not meet (API, network, files being swapped); anything else is a bug and ends the service.</summary>
    protected abstract bool IsTransient(Exception e);

    /// <summary>Logs a failed round in the source's words.</summary>
    protected abstract void OnRoundFailed(Exception e);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        first.CancelAfter(FirstRoundTimeout);
        try
        {
            await RunOnceAsync(first.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFirstRoundFailed(logger, e.GetType().Name);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Options.CheckIntervalSpan;
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e))
            {
                OnRoundFailed(e);
                wait = TimeSpan.FromSeconds(Math.Min(5, wait.TotalSeconds));
            }

            try
            {
                await Task.Delay(wait, Time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "no webhook certificate at start-up ({Error}); the HTTPS listener refuses handshakes until one is loaded")]
    private static partial void LogFirstRoundFailed(ILogger logger, string error);
}
