using System.Globalization;
using System.Text.RegularExpressions;

namespace Retina.Api.Common;

/// <summary>Go's duration syntax (<c>300ms</c>, <c>1.5h</c>, <c>2h45m</c>), as Kubernetes and Retina use it.</summary>
public static partial class GoDuration
{
    /// <summary>The schema pattern; the same expression in the CRD and in the validator.</summary>
    public const string Pattern = @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Syntax().IsMatch(text))
        {
            return false;
        }

        double ticks = 0;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += n * m.Groups[2].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats a span the way Go prints it (<c>1h30m0s</c> is written <c>1h30m</c> here for readability).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new List<string>();
        if (value.Days > 0 || value.Hours > 0)
        {
            parts.Add($"{(int)value.TotalHours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes}m");
        }

        if (value.Seconds > 0 || value.Milliseconds > 0)
        {
            parts.Add(value.Milliseconds > 0
                ? $"{value.Seconds + (value.Milliseconds / 1000.0):0.###}s".Replace(',', '.')
                : $"{value.Seconds}s");
        }

        return string.Concat(parts);
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Syntax();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
