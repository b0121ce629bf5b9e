namespace Retina.Testing.Prometheus;

/// <summary>
/// What /api/v1/query answered: the series (empty when the query matched nothing) or, for a query Prometheus refused,
/// its error type and message (e.g. <c>bad_data</c>, "1:22: parse error: unclosed left parenthesis").
/// </summary>
public sealed record PrometheusQueryResult(string Query, string? ResultType, IReadOnlyList<PrometheusSeries> Series, string? ErrorType, string? Error)
{
    public bool IsError => Error is not null;

    /// <summary>True when the query was accepted and returned at least one series: a Grafana panel would draw something.</summary>
    public bool HasData => !IsError && Series.Count > 0;

    public override string ToString() =>
        IsError ? $"{Query} → error {ErrorType}: {Error}" : $"{Query} → {ResultType} [{string.Join("; ", Series)}]";
}
