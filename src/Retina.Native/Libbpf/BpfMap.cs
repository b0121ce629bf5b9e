using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>A map of a loaded <see cref="BpfObject"/>: typed lookups, per-CPU sums and iteration.</summary>
public sealed unsafe class BpfMap
{
    private readonly BpfObject owner;
    private readonly nint map;

    internal BpfMap(BpfObject owner, nint map, string name)
    {
        this.owner = owner;
        this.map = map;
        Name = name;
    }

    public string Name { get; }

    public int Fd => LibbpfNative.MapFd(map);

    /// <summary>Per-CPU values are sized by *possible* CPUs, not online ones.</summary>
    public static int PossibleCpus { get; } = Math.Max(1, LibbpfNative.NumPossibleCpus());

    /// <summary>Resizes before load (ring buffers: a power of two multiple of the page size).</summary>
    public void SetMaxEntries(uint entries) => LibbpfNative.MapSetMaxEntries(map, entries);

    public void Update<TKey, TValue>(TKey key, TValue value, ulong flags = 0)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var rc = LibbpfNative.MapUpdateElem(Fd, &key, &value, flags);
        GC.KeepAlive(owner);
        if (rc < 0)
        {
            throw new BpfException($"update of map {Name} failed: {LibC.Describe(-rc)}", -rc);
        }
    }

    /// <summary>Removes a key; false when it was not there.</summary>
    public bool TryDelete<TKey>(TKey key)
        where TKey : unmanaged
    {
        var rc = LibbpfNative.MapDeleteElem(Fd, &key);
        GC.KeepAlive(owner);
        return rc == 0;
    }

    public bool TryLookup<TKey, TValue>(TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        TValue v;
        var rc = LibbpfNative.MapLookupElem(Fd, &key, &v);
        GC.KeepAlive(owner);
        value = v;
        return rc == 0;
    }

    /// <summary>Reads one key of a per-CPU map: one value per possible CPU.</summary>
    public bool TryLookupPerCpu<TKey, TValue>(TKey key, Span<TValue> perCpu)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        if (perCpu.Length < PossibleCpus)
        {
            throw new ArgumentException($"needs {PossibleCpus} slots", nameof(perCpu));
        }

        fixed (TValue* p = perCpu)
        {
            var rc = LibbpfNative.MapLookupElem(Fd, &key, p);
            GC.KeepAlive(owner);
            return rc == 0;
        }
    }

    /// <summary>Sums a per-CPU u64 counter.</summary>
    public ulong SumPerCpuU64(uint key)
    {
        Span<ulong> values = stackalloc ulong[PossibleCpus];
        if (!TryLookupPerCpu(key, values))
        {
            return 0;
        }

        ulong sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary>All keys of a hash map (a snapshot; keys added meanwhile may be missed until next time).</summary>
    public List<TKey> Keys<TKey>(int limit = 1 << 16)
        where TKey : unmanaged
    {
        var keys = new List<TKey>();
        TKey cur = default, next;
        var rc = LibbpfNative.MapGetNextKey(Fd, null, &next);
        while (rc == 0 && keys.Count < limit)
        {
            keys.Add(next);
            cur = next;
            rc = LibbpfNative.MapGetNextKey(Fd, &cur, &next);
        }

        GC.KeepAlive(owner);
        return keys;
    }

    /// <summary>Size of the value as the kernel sees it, to size buffers.</summary>
    public static int SizeOf<T>() where T : unmanaged => Marshal.SizeOf<T>();
}
