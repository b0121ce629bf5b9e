using System.Runtime.InteropServices;
using System.Text;

namespace Retina.Native.Libbpf;

/// <summary>
/// Routes libbpf's messages (verifier logs, CO-RE relocation failures) to a managed sink instead of
/// stderr, and keeps the last lines of the current thread so a failed load can say why.
/// </summary>
public static unsafe partial class LibbpfLog
{
    [ThreadStatic]
    private static StringBuilder? recent;
    private static int installed;

    /// <summary>Receives every libbpf message (level 0 warn, 1 info, 2 debug). Set before first use.</summary>
    public static Action<int, string>? Sink { get; set; }

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 0)
        {
            LibbpfNative.SetPrint(&Print);
        }
    }

    /// <summary>Returns and clears the messages libbpf printed on this thread since the last call.</summary>
    public static string TakeRecent()
    {
        var s = recent?.ToString() ?? "";
        recent?.Clear();
        return s;
    }

    [LibraryImport("libc.so.6", EntryPoint = "vsnprintf")]
    private static partial int VsnPrintf(byte* buffer, nuint size, nint format, nint args);

    [UnmanagedCallersOnly]
    private static int Print(int level, nint format, nint args)
    {
        if (level > 1)
        {
            return 0; // debug output is huge and never needed in production
        }

        var buf = stackalloc byte[2048];
        var n = VsnPrintf(buf, 2048, format, args);
        if (n <= 0)
        {
            return 0;
        }

        var text = Encoding.UTF8.GetString(buf, Math.Min(n, 2047)).TrimEnd();
        recent ??= new StringBuilder();
        if (recent.Length < 16384)
        {
            recent.AppendLine(text);
        }

        try
        {
            Sink?.Invoke(level, text);
        }
        catch
        {
            // a logging failure must never unwind into libbpf
        }

        return n;
    }
}
