namespace Retina.NodeRuntime.Capture;

/// <summary>
/// The node's allowance for capture memory that the kernel pins outside the .NET heap: each capture's TPACKET_V3 ring
/// per interface (block size × block count), and the flight recorder's packet store, reserved once at start-up. A
/// capture whose rings do not fit fails at start with <see cref="CaptureReasons.MemoryBudgetExceeded"/> instead of
/// pushing the runtime over its container memory limit.
/// </summary>
public sealed class CaptureMemoryBudget
{
    private readonly Lock gate = new();
    private long used;

    public CaptureMemoryBudget(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        BudgetBytes = budgetBytes;
    }

    public static CaptureMemoryBudget Unlimited { get; } = new(long.MaxValue);

    public long BudgetBytes { get; }

    public long UsedBytes
    {
        get
        {
            lock (gate)
            {
                return used;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>; false (and nothing reserved) when the budget would be crossed.</summary>
    public bool TryReserve(long bytes)
    {
        lock (gate)
        {
            if (bytes > BudgetBytes - used)
            {
                return false;
            }

            used += bytes;
            return true;
        }
    }

    public void Release(long bytes)
    {
        lock (gate)
        {
            used = Math.Max(0, used - bytes);
        }
    }

    public string Describe() => $"node capture memory budget of {BudgetBytes} bytes ({UsedBytes} in use; Retina:NodeRuntime:CaptureMemoryMB)";
}
