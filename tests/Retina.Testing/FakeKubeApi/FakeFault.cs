using System.Net;

namespace Retina.Testing.FakeKubeApi;

/// <summary>
/// One injected failure, matched by verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>,
/// <c>patch</c>, <c>delete</c>), plural and subresource (null matches any; "" is the main resource).
/// </summary>
public sealed record FakeFault
{
    public string? Verb { get; init; }

    public string? Plural { get; init; }

    public string? Subresource { get; init; }

    /// <summary>How many matching requests fail.</summary>
    public int Times { get; init; } = 1;

    public HttpStatusCode Code { get; init; } = HttpStatusCode.InternalServerError;

    /// <summary>Sent as the <c>Retry-After</c> header and <c>details.retryAfterSeconds</c>, as an API server under load does with 429.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Held this long before answering: with a shorter client timeout, a request that times out.</summary>
    public TimeSpan? Hang { get; init; }

    /// <summary>The write is applied and then its answer fails, as when a response is lost: the caller cannot know it succeeded.</summary>
    public bool AfterApplying { get; init; }

    public bool Matches(string verb, string plural, string subresource) =>
        (Verb is null || Verb == verb) && (Plural is null || Plural == plural) && (Subresource is null || Subresource == subresource);

    /// <summary>A 429 Too Many Requests with Retry-After, as API Priority and Fairness answers.</summary>
    public static FakeFault Throttled(string verb, string plural, TimeSpan retryAfter, int times = 1, string? subresource = null) =>
        new() { Verb = verb, Plural = plural, Subresource = subresource, Code = HttpStatusCode.TooManyRequests, RetryAfter = retryAfter, Times = times };
}
