using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Retina.Api;
using Retina.Api.Schema;
using Retina.Kube.Json;

namespace Retina.Local.Output;

/// <summary>Prints resources with the same columns as <c>kubectl get</c> (the CRD's printer columns).</summary>
public static class ResourceTable
{
    public static IReadOnlyList<string> Headers(ResourceKind kind, bool wide) =>
        [.. kind.ClusterScoped ? Array.Empty<string>() : ["NAMESPACE"], "NAME", .. Columns(kind, wide).Select(c => c.Name.ToUpperInvariant())];

    public static IReadOnlyList<string> Row(ResourceKind kind, JsonNode obj, DateTime now, bool wide) =>
    [
        .. kind.ClusterScoped ? Array.Empty<string>() : [Read(obj, ".metadata.namespace") ?? ""],
        Read(obj, ".metadata.name") ?? "",
        .. Columns(kind, wide).Select(c => Format(c, Read(obj, c.JsonPath), now)),
    ];

    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, headers.Count).Select(i => all.Max(r => r[i].Length)).ToArray();
        return string.Join('\n', all.Select(r => string.Join("   ", r.Select((v, i) => v.PadRight(widths[i]))).TrimEnd()));
    }

    private static IEnumerable<PrinterColumnAttribute> Columns(ResourceKind kind, bool wide) =>
        kind.Type.GetCustomAttributes<PrinterColumnAttribute>().Where(c => wide || c.Priority == 0);

    private static string? Read(JsonNode obj, string path) => KubeJson.SelectString(obj, path.TrimStart('.'));

    private static string Format(PrinterColumnAttribute column, string? value, DateTime now)
    {
        if (value is null)
        {
            return column.Type == "integer" ? "" : "";
        }

        if (column.Type == "date" && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return Age(now - t);
        }

        return value;
    }

    /// <summary>kubectl's short ages: 45s, 3m12s, 5h, 2d.</summary>
    public static string Age(TimeSpan age)
    {
        var sign = age < TimeSpan.Zero ? "-" : "";
        age = age.Duration();
        return sign + (age.TotalSeconds < 120 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 10 ? $"{(int)age.TotalMinutes}m{age.Seconds}s"
            : age.TotalHours < 3 ? $"{(int)age.TotalMinutes}m"
            : age.TotalDays < 2 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d");
    }

    /// <summary>Finds a kind by plural, singular, kind or short name, as kubectl does.</summary>
    public static ResourceKind? FindKind(string name) => ResourceKinds.All.FirstOrDefault(k =>
        string.Equals(k.Plural, name, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(k.Singular, name, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase) ||
        k.Type.GetCustomAttribute<CrdAttribute>()!.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase));
}
