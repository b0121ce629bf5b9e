using System.Globalization;
using System.Text.RegularExpressions;

namespace Retina.NodeRuntime.Tests.Plugins.ApiServerLatency;

/// <summary>Reads a histogram's cumulative bucket counts and its count out of /metrics text.</summary>
public static partial class HistogramText
{
    /// <summary>Observations at or below <paramref name="le"/> (the bucket whose bound equals it numerically).</summary>
    public static double Bucket(string text, string histogram, double le)
    {
        foreach (Match m in BucketLine().Matches(text))
        {
            if (m.Groups["name"].Value == histogram
                && (m.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups["le"].Value, CultureInfo.InvariantCulture)) == le)
            {
                return double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{histogram} has no bucket le={le}");
    }

    public static double Count(string text, string histogram) => MetricsText.Value(text, histogram + "_count");

    [GeneratedRegex("""^(?<name>[a-z_]+)_bucket\{le="(?<le>[^"]+)"\} (?<v>\S+)""", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
