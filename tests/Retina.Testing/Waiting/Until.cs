namespace Retina.Testing.Waiting;

/// <summary>Waits for a condition with a timeout: how tests synchronise (never with sleeps).</summary>
public static class Until
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#}s waiting until {because}");
            }

            // Polling interval while waiting on a condition, not synchronisation by sleeping.
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>Waits like <see cref="TrueAsync(Func{Task{bool}}, string, TimeSpan?)"/> but answers false on timeout, so the caller can assert on the value it got.</summary>
    public static async Task<bool> TryAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        try
        {
            await TrueAsync(condition, "", timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="accept"/> holds; returns the accepted value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> accept, string because, TimeSpan? timeout = null)
    {
        T value = default!;
        await TrueAsync(async () => accept(value = await read()), because, timeout);
        return value;
    }
}
