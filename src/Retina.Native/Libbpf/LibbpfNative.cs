using System.Runtime.InteropServices;

namespace Retina.Native.Libbpf;

/// <summary>Direct imports from libbpf.so.1 (1.1 or later). Prefer the safe wrappers in this folder.</summary>
public static unsafe partial class LibbpfNative
{
    private const string Lib = "libbpf.so.1";

    [LibraryImport(Lib, EntryPoint = "bpf_object__open_file", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectOpenFile(string path, nint opts);

    [LibraryImport(Lib, EntryPoint = "bpf_object__load", SetLastError = true)]
    internal static partial int ObjectLoad(nint obj);

    [LibraryImport(Lib, EntryPoint = "bpf_object__close")]
    internal static partial void ObjectClose(nint obj);

    [LibraryImport(Lib, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectFindProgram(nint obj, string name);

    [LibraryImport(Lib, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectFindMap(nint obj, string name);

    [LibraryImport(Lib, EntryPoint = "bpf_object__btf")]
    internal static partial nint ObjectBtf(nint obj);

    [LibraryImport(Lib, EntryPoint = "bpf_object__next_program")]
    internal static partial nint ObjectNextProgram(nint obj, nint prev);

    [LibraryImport(Lib, EntryPoint = "bpf_program__fd")]
    internal static partial int ProgramFd(nint prog);

    [LibraryImport(Lib, EntryPoint = "bpf_program__set_autoload")]
    internal static partial int ProgramSetAutoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Lib, EntryPoint = "bpf_program__attach_tracepoint", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ProgramAttachTracepoint(nint prog, string category, string name);

    [LibraryImport(Lib, EntryPoint = "bpf_link__destroy")]
    internal static partial int LinkDestroy(nint link);

    [LibraryImport(Lib, EntryPoint = "bpf_map__fd")]
    internal static partial int MapFd(nint map);

    [LibraryImport(Lib, EntryPoint = "bpf_map__set_max_entries")]
    internal static partial int MapSetMaxEntries(nint map, uint maxEntries);

    [LibraryImport(Lib, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    internal static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Lib, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    internal static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Lib, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
    internal static partial int MapDeleteElem(int fd, void* key);

    [LibraryImport(Lib, EntryPoint = "bpf_map_get_next_key", SetLastError = true)]
    internal static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    [LibraryImport(Lib, EntryPoint = "libbpf_num_possible_cpus")]
    internal static partial int NumPossibleCpus();

    [LibraryImport(Lib, EntryPoint = "ring_buffer__new", SetLastError = true)]
    internal static partial nint RingBufferNew(int mapFd, delegate* unmanaged<nint, nint, nuint, int> sampleCb, nint ctx, nint opts);

    [LibraryImport(Lib, EntryPoint = "ring_buffer__poll", SetLastError = true)]
    internal static partial int RingBufferPoll(nint rb, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "ring_buffer__consume", SetLastError = true)]
    internal static partial int RingBufferConsume(nint rb);

    [LibraryImport(Lib, EntryPoint = "ring_buffer__free")]
    internal static partial void RingBufferFree(nint rb);

    [LibraryImport(Lib, EntryPoint = "bpf_tc_hook_create", SetLastError = true)]
    internal static partial int TcHookCreate(TcHook* hook);

    [LibraryImport(Lib, EntryPoint = "bpf_tc_attach", SetLastError = true)]
    internal static partial int TcAttach(TcHook* hook, TcOpts* opts);

    [LibraryImport(Lib, EntryPoint = "bpf_tc_detach", SetLastError = true)]
    internal static partial int TcDetach(TcHook* hook, TcOpts* opts);

    [LibraryImport(Lib, EntryPoint = "bpf_tc_query", SetLastError = true)]
    internal static partial int TcQuery(TcHook* hook, TcOpts* opts);

    [LibraryImport(Lib, EntryPoint = "bpf_prog_test_run_opts", SetLastError = true)]
    internal static partial int ProgTestRunOpts(int progFd, TestRunOpts* opts);

    [LibraryImport(Lib, EntryPoint = "bpf_prog_get_next_id", SetLastError = true)]
    internal static partial int ProgGetNextId(uint startId, uint* nextId);

    [LibraryImport(Lib, EntryPoint = "bpf_prog_get_fd_by_id", SetLastError = true)]
    internal static partial int ProgGetFdById(uint id);

    [LibraryImport(Lib, EntryPoint = "bpf_link_get_next_id", SetLastError = true)]
    internal static partial int LinkGetNextId(uint startId, uint* nextId);

    [LibraryImport(Lib, EntryPoint = "bpf_link_get_fd_by_id", SetLastError = true)]
    internal static partial int LinkGetFdById(uint id);

    [LibraryImport(Lib, EntryPoint = "bpf_obj_get_info_by_fd", SetLastError = true)]
    internal static partial int ObjGetInfoByFd(int fd, void* info, uint* infoLen);

    [LibraryImport(Lib, EntryPoint = "bpf_obj_get", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ObjGet(string path);

    [LibraryImport(Lib, EntryPoint = "bpf_obj_pin", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ObjPin(int fd, string path);

    [LibraryImport(Lib, EntryPoint = "btf__parse", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint BtfParse(string path, nint ext);

    [LibraryImport(Lib, EntryPoint = "btf__free")]
    internal static partial void BtfFree(nint btf);

    [LibraryImport(Lib, EntryPoint = "btf__find_by_name_kind", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BtfFindByNameKind(nint btf, string name, uint kind);

    [LibraryImport(Lib, EntryPoint = "btf__type_by_id")]
    internal static partial nint BtfTypeById(nint btf, uint id);

    [LibraryImport(Lib, EntryPoint = "btf__name_by_offset")]
    internal static partial nint BtfNameByOffset(nint btf, uint offset);

    [LibraryImport(Lib, EntryPoint = "btf__resolve_size")]
    internal static partial long BtfResolveSize(nint btf, uint id);

    [LibraryImport(Lib, EntryPoint = "libbpf_set_print")]
    internal static partial nint SetPrint(delegate* unmanaged<int, nint, nint, int> fn);

    [StructLayout(LayoutKind.Sequential)]
    internal struct TcHook
    {
        public nuint Size;
        public int IfIndex;
        public int AttachPoint;
        public uint Parent;
        private uint pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct TcOpts
    {
        public nuint Size;
        public int ProgFd;
        public uint Flags;
        public uint ProgId;
        public uint Handle;
        public uint Priority;
        private uint pad;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct TestRunOpts
    {
        public nuint Size;
        public nint DataIn;
        public nint DataOut;
        public uint DataSizeIn;
        public uint DataSizeOut;
        public nint CtxIn;
        public nint CtxOut;
        public uint CtxSizeIn;
        public uint CtxSizeOut;
        public uint Retval;
        public int Repeat;
        public uint Duration;
        public uint Flags;
        public uint Cpu;
        public uint BatchSize;
    }
}
