using System.Globalization;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// The kernel's text symbols from /proc/kallsyms (readable with addresses as root), to name the function a drop's
/// location falls in. Read once, on the first lookup; an address that cannot be named gives null.
/// </summary>
public sealed class KernelSymbols(string path = "/proc/kallsyms")
{
    private (ulong Address, string Name)[]? symbols;

    public string? Name(ulong address)
    {
        if (address == 0)
        {
            return null;
        }

        var table = symbols ??= Load(path);
        var lo = 0;
        var hi = table.Length - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (table[mid].Address <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : table[found].Name;
    }

    private static (ulong, string)[] Load(string path)
    {
        var list = new List<(ulong, string)>();
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                // "ffffffff81000000 T _stext [module]"
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 3 || parts[1] is not ("t" or "T") || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var a) || a == 0)
                {
                    continue;
                }

                list.Add((a, parts[2]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        list.Sort((x, y) => x.Item1.CompareTo(y.Item1));
        return [.. list];
    }
}
