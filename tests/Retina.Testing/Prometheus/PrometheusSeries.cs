namespace Retina.Testing.Prometheus;

/// <summary>One series of an instant query's result: its labels and its value at the evaluation time.</summary>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        "{" + string.Join(", ", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} "
        + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
