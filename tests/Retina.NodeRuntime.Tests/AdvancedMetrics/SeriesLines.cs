namespace Retina.NodeRuntime.Tests.AdvancedMetrics;

/// <summary>Parses the series of one metric out of Prometheus text: label maps and values.</summary>
public static class SeriesLines
{
    public static List<(Dictionary<string, string> Labels, double Value)> Of(string text, string metric)
    {
        var list = new List<(Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal))
            {
                continue;
            }

            var labels = new Dictionary<string, string>();
            var open = line.IndexOf('{');
            var close = line.LastIndexOf('}');
            if (open > 0 && close > open)
            {
                var body = line[(open + 1)..close];
                var i = 0;
                while (i < body.Length)
                {
                    var eq = body.IndexOf('=', i);
                    var name = body[i..eq];
                    var end = body.IndexOf('"', eq + 2);
                    labels[name] = body[(eq + 2)..end];
                    i = end + 2;
                }
            }

            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            list.Add((labels, value));
        }

        return list;
    }

    /// <summary>Sum of the series whose labels include all of <paramref name="match"/>.</summary>
    public static double Sum(string text, string metric, params (string Key, string Value)[] match) =>
        Of(text, metric).Where(s => match.All(m => s.Labels.TryGetValue(m.Key, out var v) && v == m.Value)).Sum(s => s.Value);
}
