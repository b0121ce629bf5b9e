using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// A cluster component the fake API lacks, played as a loop: one <see cref="SyncAsync"/> pass every 50 ms until
/// disposed; a conflict with another writer is left to the next pass, which sees the new state.
/// </summary>
public abstract class FakePollingLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    /// <summary>Starts the loop; called by the subclass once it is fully constructed.</summary>
    protected void StartLoop() => loop = RunAsync(stop.Token);

    /// <summary>One pass over the cluster's state.</summary>
    public abstract Task SyncAsync(CancellationToken ct);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                try
                {
                    await SyncAsync(ct);
                }
                catch (KubeApiException)
                {
                    // A conflict with another writer: the next pass sees the new state.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
