using System.Runtime.InteropServices;
using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>Reads type information from kernel BTF (e.g. enum skb_drop_reason, whose values differ between kernels).</summary>
public static unsafe class Btf
{
    internal const uint KindStruct = 4;
    internal const uint KindEnum = 6;
    internal const uint KindEnum64 = 19;

    public const string VmlinuxPath = "/sys/kernel/btf/vmlinux";

    /// <summary>Members of an enum as (name, value); null when BTF or the enum is absent.</summary>
    public static IReadOnlyList<(string Name, long Value)>? ReadEnum(string enumName, string btfPath = VmlinuxPath)
    {
        if (!File.Exists(btfPath))
        {
            return null;
        }

        var btf = LibbpfNative.BtfParse(btfPath, 0);
        if (btf == 0)
        {
            return null;
        }

        try
        {
            var id = LibbpfNative.BtfFindByNameKind(btf, enumName, KindEnum);
            var kind = KindEnum;
            if (id <= 0)
            {
                id = LibbpfNative.BtfFindByNameKind(btf, enumName, KindEnum64);
                kind = KindEnum64;
            }

            if (id <= 0)
            {
                return null;
            }

            // struct btf_type { u32 name_off; u32 info; u32 size; } then vlen members:
            // btf_enum { u32 name_off; s32 val; } or btf_enum64 { u32 name_off; u32 lo; u32 hi; }
            var t = (uint*)LibbpfNative.BtfTypeById(btf, (uint)id);
            var vlen = (int)(t[1] & 0xffff);
            var members = (uint*)(t + 3);
            var list = new List<(string, long)>(vlen);
            for (var i = 0; i < vlen; i++)
            {
                string name;
                long value;
                if (kind == KindEnum)
                {
                    name = Marshal.PtrToStringUTF8(LibbpfNative.BtfNameByOffset(btf, members[i * 2])) ?? "";
                    value = (int)members[i * 2 + 1];
                }
                else
                {
                    name = Marshal.PtrToStringUTF8(LibbpfNative.BtfNameByOffset(btf, members[i * 3])) ?? "";
                    value = (long)(((ulong)members[i * 3 + 2] << 32) | members[i * 3 + 1]);
                }

                list.Add((name, value));
            }

            return list;
        }
        finally
        {
            LibbpfNative.BtfFree(btf);
        }
    }

    /// <summary>True when kernel BTF has a type of that name (a struct, enum or function), false when not, null without BTF.</summary>
    public static bool? HasEnumMember(string enumName, string member, string btfPath = VmlinuxPath)
    {
        var e = ReadEnum(enumName, btfPath);
        return e is null ? null : e.Any(m => m.Name == member);
    }

    /// <summary>Checks that libbpf can be loaded at all (the probe behind every BPF plugin).</summary>
    public static bool LibbpfAvailable(out string reason)
    {
        try
        {
            _ = LibbpfNative.NumPossibleCpus();
            reason = "";
            return true;
        }
        catch (DllNotFoundException ex)
        {
            reason = "libbpf.so.1 not found: " + ex.Message;
            return false;
        }
        catch (EntryPointNotFoundException ex)
        {
            reason = "libbpf.so.1 too old: " + ex.Message;
            return false;
        }
    }

    internal static string Errno(int e) => LibC.Describe(e);
}
