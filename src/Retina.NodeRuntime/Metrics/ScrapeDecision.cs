namespace Retina.NodeRuntime.Metrics;

/// <summary>200, 401 (no or unknown token) or 403 (known, not allowed), with a reason that never repeats the token.</summary>
public readonly record struct ScrapeDecision(int Status, string Reason)
{
    public static ScrapeDecision Allowed { get; } = new(200, "allowed");

    public static ScrapeDecision Unauthenticated(string why) => new(401, why);

    public static ScrapeDecision Forbidden(string why) => new(403, why);
}
