using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>
/// A direct-action BPF filter on an interface's clsact qdisc. Unlike a tcx link it outlives the
/// process, so its handle and priority are recorded to remove it after a crash.
/// Detach must run in the namespace of the interface.
/// </summary>
public sealed unsafe class ClsactFilter : IDisposable
{
    private const int TcIngress = 1;
    private const int TcEgress = 2;
    private int detached;

    private ClsactFilter(uint ifindex, bool ingress, uint handle, uint priority, uint progId)
    {
        IfIndex = ifindex;
        Ingress = ingress;
        Handle = handle;
        Priority = priority;
        ProgId = progId;
    }

    public uint IfIndex { get; }

    public bool Ingress { get; }

    public uint Handle { get; }

    public uint Priority { get; }

    public uint ProgId { get; }

    internal static ClsactFilter Attach(int progFd, uint ifindex, bool ingress, string name)
    {
        var hook = Hook(ifindex, ingress);
        var rc = LibbpfNative.TcHookCreate(&hook);
        if (rc < 0 && rc != -LibC.EEXIST)
        {
            throw new BpfException($"cannot create clsact on ifindex {ifindex}: {LibC.Describe(-rc)}", -rc);
        }

        // handle and priority 0: the kernel picks free ones, so we never replace someone else's filter
        var opts = new LibbpfNative.TcOpts { Size = (nuint)sizeof(LibbpfNative.TcOpts), ProgFd = progFd };
        rc = LibbpfNative.TcAttach(&hook, &opts);
        if (rc < 0)
        {
            throw new BpfException($"cannot attach {name} with clsact to ifindex {ifindex}: {LibC.Describe(-rc)}", -rc);
        }

        return new ClsactFilter(ifindex, ingress, opts.Handle, opts.Priority, opts.ProgId);
    }

    /// <summary>The program id attached at (handle, priority), or 0 when there is none.</summary>
    public static uint Query(uint ifindex, bool ingress, uint handle, uint priority)
    {
        var hook = Hook(ifindex, ingress);
        var opts = new LibbpfNative.TcOpts { Size = (nuint)sizeof(LibbpfNative.TcOpts), Handle = handle, Priority = priority };
        return LibbpfNative.TcQuery(&hook, &opts) < 0 ? 0 : opts.ProgId;
    }

    /// <summary>Removes the filter at (handle, priority) if it still runs <paramref name="progId"/> — never anyone else's.</summary>
    public static int DetachIfOwned(uint ifindex, bool ingress, uint handle, uint priority, Func<uint, bool> isOurs)
    {
        var id = Query(ifindex, ingress, handle, priority);
        if (id == 0 || !isOurs(id))
        {
            return 0;
        }

        var hook = Hook(ifindex, ingress);
        var opts = new LibbpfNative.TcOpts { Size = (nuint)sizeof(LibbpfNative.TcOpts), Handle = handle, Priority = priority };
        var rc = LibbpfNative.TcDetach(&hook, &opts);
        return rc < 0 ? -rc : 0;
    }

    private static LibbpfNative.TcHook Hook(uint ifindex, bool ingress) => new()
    {
        Size = (nuint)sizeof(LibbpfNative.TcHook),
        IfIndex = (int)ifindex,
        AttachPoint = ingress ? TcIngress : TcEgress,
    };

    /// <summary>Detaches (must be called on a thread in the interface's namespace).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref detached, 1) == 0)
        {
            DetachIfOwned(IfIndex, Ingress, Handle, Priority, id => id == ProgId);
        }
    }
}
