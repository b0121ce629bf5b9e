using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Retina.Testing.Prometheus;

/// <summary>Reads the HTTP API's JSON envelope (status, data.resultType, data.result, errorType, error).</summary>
internal static class PrometheusResponse
{
    public static PrometheusQueryResult Parse(string query, HttpStatusCode status, string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new PrometheusQueryResult(query, null, [], "http", $"{(int)status} {status}: {body}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.GetProperty("status").GetString() != "success")
            {
                return new PrometheusQueryResult(
                    query,
                    null,
                    [],
                    root.TryGetProperty("errorType", out var t) ? t.GetString() : null,
                    root.TryGetProperty("error", out var e) ? e.GetString() : $"{(int)status} {status}");
            }

            var data = root.GetProperty("data");
            var type = data.GetProperty("resultType").GetString();
            var result = data.GetProperty("result");
            IReadOnlyList<PrometheusSeries> series = type switch
            {
                "vector" => result.EnumerateArray()
                    .Select(s => new PrometheusSeries(Labels(s.GetProperty("metric")), Value(s.GetProperty("value"))))
                    .ToArray(),
                // a bare range selector (x[1m]) as an instant query: the series with its newest sample
                "matrix" => result.EnumerateArray()
                    .Select(s => new PrometheusSeries(Labels(s.GetProperty("metric")), Value(s.GetProperty("values").EnumerateArray().Last())))
                    .ToArray(),
                "scalar" => [new PrometheusSeries(new Dictionary<string, string>(), Value(result))],
                _ => [],
            };
            return new PrometheusQueryResult(query, type, series, null, null);
        }
    }

    public static Dictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);

    /// <summary>A sample is [unix time, "value"]; the value is a string so that NaN and ±Inf survive JSON.</summary>
    private static double Value(JsonElement sample)
    {
        var text = sample[1].GetString();
        return text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }
}
