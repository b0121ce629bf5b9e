namespace Retina.NodeRuntime.Trace;

/// <summary>
/// The kernel's trace slots (bpf/trace): each running trace holds one of <see cref="Capacity"/> bits, set in the
/// address masks of its pods (or the whole-node mask), and the kernel counts the ring reservations that failed for
/// its addresses under that bit. A slot is taken by a starting trace and free again once its trace stops running.
/// Pure: the runner says which slots running traces hold and which the kernel's maps still name.
/// </summary>
/// <remarks>
/// The kernel's counter of a slot is never reset: a trace remembers the slot's count when it starts and reports
/// what was added since (a reused slot therefore starts at zero). Slots are capped at 64 (one u64 mask per address):
/// start-up refuses MaxConcurrentTraces above <see cref="Capacity"/>, so a starting trace always finds a slot.
/// </remarks>
public sealed class TraceSlots
{
    /// <summary>Bits of the kernel's u64 masks: the most traces that can run at once on a node.</summary>
    public const int Capacity = 64;

    private ulong inKernel;

    /// <summary>Slots the kernel's maps named at the last apply (a trace that just ended keeps its bit until the next).</summary>
    public ulong InKernel => inKernel;

    /// <summary>
    /// The lowest slot no running trace holds (<paramref name="held"/>) and the kernel no longer names, so a new trace
    /// is never charged for records of a trace whose addresses are still in the kernel. When every free slot is still
    /// named (only with close to 64 traces), the lowest slot no running trace holds: its old trace's addresses leave
    /// the kernel at the next apply.
    /// </summary>
    public int Acquire(ulong held)
    {
        var free = ~held;
        if (free == 0)
        {
            throw new InvalidOperationException($"all {Capacity} trace slots are held: MaxConcurrentTraces must not exceed {Capacity}");
        }

        var clean = free & ~inKernel;
        return System.Numerics.BitOperations.TrailingZeroCount(clean != 0 ? clean : free);
    }

    /// <summary>Before the kernel is given <paramref name="mask"/>: its slots are named from now on.</summary>
    public void Applying(ulong mask) => inKernel |= mask;

    /// <summary>After the kernel was given <paramref name="mask"/>: the slots it no longer names are free for reuse.</summary>
    public void Applied(ulong mask) => inKernel = mask;

    /// <summary>The bit of a slot in the kernel's masks.</summary>
    public static ulong Bit(int slot) => slot is >= 0 and < Capacity ? 1UL << slot : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"trace slots are 0..{Capacity - 1}");
}
