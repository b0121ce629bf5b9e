namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Sampling (one in N of the matching events), maxEvents (exactly that many written) and maxEventsPerSecond (exactly
/// that many per wall-clock second of the events' own time; the rest counted as RateLimited). Not thread-safe.
/// </summary>
public sealed class TraceLimiter(int? sampling, long? maxEvents, int? maxPerSecond)
{
    private long seen;
    private long written;
    private long second = long.MinValue;
    private int inSecond;

    public enum Verdict
    {
        Write,
        Sampled,
        RateLimited,
        LimitReached,
    }

    public long Written => written;

    public long RateLimited { get; private set; }

    public bool Full => maxEvents is { } m && written >= m;

    public Verdict Decide(DateTimeOffset time)
    {
        if (Full)
        {
            return Verdict.LimitReached;
        }

        if (sampling is > 1 && seen++ % sampling.Value != 0)
        {
            return Verdict.Sampled;
        }

        if (maxPerSecond is > 0)
        {
            var s = time.ToUnixTimeSeconds();
            if (s != second)
            {
                (second, inSecond) = (s, 0);
            }

            if (inSecond >= maxPerSecond.Value)
            {
                RateLimited++;
                return Verdict.RateLimited;
            }

            inSecond++;
        }

        written++;
        return Verdict.Write;
    }

    /// <summary>Starts the count at what a previous run of the trace already wrote (after a runtime restart).</summary>
    public void Resume(long alreadyWritten) => written = alreadyWritten;
}
