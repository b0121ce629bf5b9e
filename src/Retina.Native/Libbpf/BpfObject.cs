using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>A compiled CO-RE object (bpf_object) opened from a file and loaded into the kernel.</summary>
public sealed class BpfObject : SafeHandle
{
    private BpfObject(nint handle)
        : base(0, true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Opens and loads an object. <paramref name="beforeLoad"/> may resize maps or disable programs.</summary>
    public static BpfObject Load(string path, Action<BpfObject>? beforeLoad = null)
    {
        LibbpfLog.Install();
        LibbpfLog.TakeRecent();
        if (!File.Exists(path))
        {
            throw new BpfException($"BPF object {path} not found (built by `make -C bpf`)", LibC.ENOENT);
        }

        var h = LibbpfNative.ObjectOpenFile(path, 0);
        if (h == 0)
        {
            var e = Marshal.GetLastPInvokeError();
            throw new BpfException($"cannot open {Path.GetFileName(path)}: {LibC.Describe(e)} {LibbpfLog.TakeRecent()}".Trim(), e);
        }

        var obj = new BpfObject(h);
        try
        {
            beforeLoad?.Invoke(obj);
            var rc = LibbpfNative.ObjectLoad(h);
            if (rc < 0)
            {
                var e = -rc;
                throw new BpfException($"cannot load {Path.GetFileName(path)}: {LibC.Describe(e)}. {Summarise(LibbpfLog.TakeRecent())}".Trim(), e);
            }
        }
        catch
        {
            obj.Dispose();
            throw;
        }

        return obj;
    }

    private static string Summarise(string log) => log.Length > 4000 ? log[^4000..] : log;

    public BpfProgram Program(string name)
    {
        var p = LibbpfNative.ObjectFindProgram(handle, name);
        return p == 0 ? throw new BpfException($"program {name} not in object", LibC.ENOENT) : new BpfProgram(this, p, name);
    }

    public BpfMap Map(string name)
    {
        var m = LibbpfNative.ObjectFindMap(handle, name);
        return m == 0 ? throw new BpfException($"map {name} not in object", LibC.ENOENT) : new BpfMap(this, m, name);
    }

    /// <summary>Kernel ids of the loaded programs of this object (empty once closed).</summary>
    public unsafe IReadOnlyList<uint> ProgramIds()
    {
        var ids = new List<uint>();
        if (IsClosed)
        {
            return ids;
        }

        var buf = stackalloc byte[256];
        for (var p = LibbpfNative.ObjectNextProgram(handle, 0); p != 0; p = LibbpfNative.ObjectNextProgram(handle, p))
        {
            var fd = LibbpfNative.ProgramFd(p);
            if (fd < 0)
            {
                continue;
            }

            new Span<byte>(buf, 256).Clear();
            uint len = 256;
            if (LibbpfNative.ObjGetInfoByFd(fd, buf, &len) == 0)
            {
                ids.Add(((uint*)buf)[1]);
            }
        }

        return ids;
    }

    /// <summary>Does not load the named program (e.g. a program the kernel cannot verify on this hook).</summary>
    public void DisableAutoload(string program) =>
        LibbpfNative.ProgramSetAutoload(LibbpfNative.ObjectFindProgram(handle, program), false);

    /// <summary>
    /// The size of a struct as the object's BTF describes it, to check that managed mirrors of
    /// shared structs still match the C (returns -1 when the struct is absent).
    /// </summary>
    public long StructSize(string name)
    {
        var btf = LibbpfNative.ObjectBtf(handle);
        if (btf == 0)
        {
            return -1;
        }

        var id = LibbpfNative.BtfFindByNameKind(btf, name, Btf.KindStruct);
        return id <= 0 ? -1 : LibbpfNative.BtfResolveSize(btf, (uint)id);
    }

    /// <summary>Throws when the object's struct and the managed mirror disagree: reading maps would be garbage.</summary>
    public void CheckStruct<T>(string name)
        where T : unmanaged
    {
        var size = StructSize(name);
        var managed = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (size != managed)
        {
            throw new BpfException($"struct {name} is {size} bytes in the BPF object but {managed} in {typeof(T).Name}", LibC.EINVAL);
        }
    }

    internal nint Raw => handle;

    protected override bool ReleaseHandle()
    {
        LibbpfNative.ObjectClose(handle);
        return true;
    }
}
