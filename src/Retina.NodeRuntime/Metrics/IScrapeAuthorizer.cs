namespace Retina.NodeRuntime.Metrics;

/// <summary>Decides whether a scrape may read /metrics, from its bearer token (null when the request carried none).</summary>
public interface IScrapeAuthorizer
{
    Task<ScrapeDecision> AuthorizeAsync(string? bearerToken, CancellationToken cancellationToken);
}
