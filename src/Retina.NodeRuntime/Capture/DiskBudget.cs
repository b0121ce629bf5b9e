namespace Retina.NodeRuntime.Capture;

/// <summary>
/// The node's allowance for capture files, shared by every capture on the node: captures reserve bytes before they
/// write them and stop when a reservation fails. It also refuses to let the filesystem of <see cref="Directory"/> fall
/// below <see cref="MinFreeBytes"/>, whoever else is filling it.
/// </summary>
public sealed class DiskBudget
{
    private const long FreeSpaceCheckEvery = 4 * 1024 * 1024;
    private readonly Lock gate = new();
    private long used;
    private long sinceFreeCheck = long.MaxValue / 2;

    public DiskBudget(long budgetBytes, string? directory = null, long minFreeBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        BudgetBytes = budgetBytes;
        Directory = directory;
        MinFreeBytes = minFreeBytes;
    }

    public static DiskBudget Unlimited { get; } = new(long.MaxValue);

    public long BudgetBytes { get; }

    public string? Directory { get; }

    public long MinFreeBytes { get; }

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

    /// <summary>Reserves <paramref name="bytes"/>; false (and nothing reserved) when the budget or the free-space floor would be crossed.</summary>
    public bool TryReserve(long bytes)
    {
        lock (gate)
        {
            if (used + bytes > BudgetBytes)
            {
                return false;
            }

            if (Directory is not null && MinFreeBytes > 0)
            {
                sinceFreeCheck += bytes;
                if (sinceFreeCheck >= FreeSpaceCheckEvery)
                {
                    sinceFreeCheck = 0;
                    if (FreeBytes() - bytes < MinFreeBytes)
                    {
                        sinceFreeCheck = FreeSpaceCheckEvery; // look again next time
                        return false;
                    }
                }
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

    public string Describe() =>
        Directory is not null && MinFreeBytes > 0
            ? $"node capture disk budget of {BudgetBytes} bytes ({UsedBytes} in use), keeping {MinFreeBytes} bytes free on {Directory}"
            : $"node capture disk budget of {BudgetBytes} bytes ({UsedBytes} in use)";

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(Directory!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }
}
