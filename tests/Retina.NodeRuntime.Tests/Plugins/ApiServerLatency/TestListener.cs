using System.Net.Sockets;

namespace Retina.NodeRuntime.Tests.Plugins.ApiServerLatency;

/// <summary>
/// A TCP server in a test namespace standing in for an API server: it answers each request after a known
/// delay, or never. It counts the connections it accepted, so a test knows how many probes reached it.
/// </summary>
public sealed class TestListener : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly TimeSpan? answerAfter;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Socket> held = [];
    private readonly Task loop;
    private int accepted;

    private TestListener(Socket listener, TimeSpan? answerAfter)
    {
        this.listener = listener;
        this.answerAfter = answerAfter;
        loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    /// <summary>Answers each request <paramref name="answerAfter"/> after its first bytes arrive; null: never answers.</summary>
    public static async Task<TestListener> StartAsync(string ns, string address, int port, TimeSpan? answerAfter) =>
        new(await NsTcp.ListenAsync(ns, address, port), answerAfter);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                lock (held)
                {
                    held.Add(client);
                }

                if (answerAfter is { } delay)
                {
                    _ = AnswerAsync(client, delay);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(Socket client, TimeSpan delay)
    {
        try
        {
            var buffer = new byte[4096];
            if (await client.ReceiveAsync(buffer, SocketFlags.None, stop.Token) > 0)
            {
                // The server's own behaviour under test (a slow API server), not test synchronisation.
                await Task.Delay(delay, stop.Token);
                await client.SendAsync("answer"u8.ToArray(), SocketFlags.None, stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        await loop;
        lock (held)
        {
            held.ForEach(s => s.Dispose());
        }

        stop.Dispose();
    }
}
