using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Retina.Kube.Client;
using Retina.Kube.Selectors;
using Retina.Kube.Store;
using Retina.Testing.FakeKubeApi.Auth;

namespace Retina.Testing.FakeKubeApi;

/// <summary>Serves one HTTP request against the store; watches stream JSON lines.</summary>
internal sealed class FakeKubeApiHandler(ApiObjectStore store, FakeKubeApiOptions options, IStoreAdmission? schema)
{
    private readonly Webhooks.FakeWebhookAdmission webhooks = new(store, schema, options);

    private readonly ConcurrentDictionary<FakeWatchState, byte> watches = new();
    private int failNext;
    private HttpStatusCode failCode = HttpStatusCode.InternalServerError;

    public ConcurrentDictionary<(string Verb, string Plural, string Subresource), int> Counters { get; } = new();

    public FakeFaults Faults { get; } = new();

    /// <summary>Bearer tokens the fake authenticates, and who each one is.</summary>
    public ConcurrentDictionary<string, FakeUser> Tokens { get; } = new(StringComparer.Ordinal);

    public FakeRbacAuthorizer Rbac { get; } = new(store);

    public TimeSpan Latency { get; set; }

    public FakeKubeApiOptions Options => options;

    public bool WatchesDown { get; set; }

    public int? ExpireAfterEvents { get; private set; }

    public int OpenWatches => watches.Count;

    public void SetExpiry(int? events)
    {
        ExpireAfterEvents = events;
        foreach (var w in watches.Keys)
        {
            w.Remaining = events;
        }
    }

    public void CloseAllWatches()
    {
        foreach (var w in watches.Keys)
        {
            try
            {
                w.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That watch ended on its own between the snapshot and the cancel.
            }
        }
    }

    public void FailNext(int count, HttpStatusCode code)
    {
        failCode = code;
        Volatile.Write(ref failNext, count);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, options.TimeProvider, ct).ConfigureAwait(false);
        }

        var user = Authenticate(request);
        if (user is null)
        {
            await WriteStatusAsync(context, new KubeApiException(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized")).ConfigureAwait(false);
            return;
        }

        if (ReviewKind(request) is { } review)
        {
            await ReviewAsync(context, review, user, ct).ConfigureAwait(false);
            return;
        }

        var route = FakeKubeApiRoute.Parse(store, request.Path.Value ?? "");
        if (route is null)
        {
            await WriteStatusAsync(context, new KubeApiException(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({request.Path})")).ConfigureAwait(false);
            return;
        }

        var isWatch = request.Query["watch"] is var w && (w == "true" || w == "1");
        var verb = route.Verb(request.Method, isWatch);
        Counters.AddOrUpdate((verb, route.Resource.Plural, route.Subresource ?? ""), 1, (_, n) => n + 1);
        try
        {
            if (TakeInjectedFailure())
            {
                throw new KubeApiException(failCode, "InternalError", "injected failure");
            }

            var fault = Faults.Take(verb, route.Resource.Plural, route.Subresource ?? "");
            if (fault is { AfterApplying: false })
            {
                await FailAsync(context, fault, ct).ConfigureAwait(false);
            }

            Authorize(user, new FakeAccessRequest(verb, route.Resource.Group, route.Resource.Plural, route.Subresource ?? "", route.Namespace,
                route.Name ?? FieldSelector.Parse(request.Query["fieldSelector"]).Terms.FirstOrDefault(t => t.Path == "metadata.name" && t.Equal).Value));

            if (route.Subresource == FakeEphemeralContainers.Subresource && route.Resource.Kind == "Pod" && route.Name is not null && verb is "get" or "patch")
            {
                var patched = verb == "get" ? store.Get(route.Resource, route.Namespace, route.Name)
                    : FakeEphemeralContainers.Patch(store, route.Resource, route.Namespace, route.Name, new KubePatch(PatchTypeOf(request.ContentType), await ReadBodyAsync(request, ct).ConfigureAwait(false)));
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(patched.ToJsonString(), ct).ConfigureAwait(false);
                return;
            }

            if (route.Subresource is not null && (route.Subresource != "status" || !route.Resource.HasStatusSubresource))
            {
                throw new KubeApiException(HttpStatusCode.NotFound, "NotFound", $"subresource {route.Subresource} not found");
            }

            var status = route.Subresource == "status";
            var d = route.Resource;
            JsonObject result;
            switch (verb)
            {
                case "watch":
                    await WatchAsync(context, route, ct).ConfigureAwait(false);
                    return;
                case "list":
                    var (items, version) = store.List(d, route.Namespace, LabelSelector.Parse(request.Query["labelSelector"]), FieldSelector.Parse(request.Query["fieldSelector"]));
                    result = new JsonObject
                    {
                        ["apiVersion"] = d.ApiVersion,
                        ["kind"] = d.Kind + "List",
                        ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
                        ["items"] = new JsonArray([.. items]),
                    };
                    break;
                case "get":
                    result = store.Get(d, route.Namespace, route.Name!);
                    break;
                case "create" or "update" or "patch" or "delete" when (route.Name is null) == (verb == "create") && webhooks.Applies(d, route.Subresource ?? "", verb):
                    var text = verb == "delete" ? "" : await ReadBodyAsync(request, ct).ConfigureAwait(false);
                    result = await webhooks.WriteAsync(verb, route, user, text, verb == "patch" ? PatchTypeOf(request.ContentType) : null,
                        request.Query["dryRun"] == "All", ct).ConfigureAwait(false);
                    context.Response.StatusCode = verb == "create" ? StatusCodes.Status201Created : StatusCodes.Status200OK;
                    break;
                case "create" when route.Name is null:
                    result = store.Create(d, route.Namespace, await ReadObjectAsync(request, ct).ConfigureAwait(false));
                    context.Response.StatusCode = StatusCodes.Status201Created;
                    break;
                case "update" when route.Name is not null:
                    result = store.Update(d, route.Namespace, route.Name, await ReadObjectAsync(request, ct).ConfigureAwait(false), status);
                    break;
                case "patch" when route.Name is not null:
                    var body = await ReadBodyAsync(request, ct).ConfigureAwait(false);
                    result = store.Patch(d, route.Namespace, route.Name, new KubePatch(PatchTypeOf(request.ContentType), body), status);
                    break;
                case "delete" when route.Name is not null && d.Kind == "Pod" && options.PodDeletionGracePeriod is { } grace:
                    result = store.Delete(d, route.Namespace, route.Name, grace);
                    ConfirmPodDeletionLater(d, route.Namespace, route.Name, grace);
                    break;
                case "delete" when route.Name is not null:
                    result = store.Delete(d, route.Namespace, route.Name);
                    break;
                default:
                    throw new KubeApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.Method} is not supported on {request.Path}");
            }

            if (fault is { AfterApplying: true })
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                await FailAsync(context, fault, ct).ConfigureAwait(false);
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(result.ToJsonString(), ct).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            await WriteStatusAsync(context, e).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException or System.Text.Json.JsonException)
        {
            // A bug in the fake must be loud in the test that hit it, not a bare 500.
            await WriteStatusAsync(context, new KubeApiException(HttpStatusCode.InternalServerError, "InternalError", "fake API failure: " + e)).ConfigureAwait(false);
        }
    }

    /// <summary>The requester: the user of a known bearer token, else (unless unknown tokens are refused) a cluster admin; null is 401.</summary>
    private FakeUser? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : "";
        if (Tokens.TryGetValue(token, out var user))
        {
            // A bound token issued for another audience (say, our credential endpoint) is not valid against the API server.
            return FakeReviews.TokenAudiences(user).Contains(FakeReviews.ApiAudience) ? user : null;
        }

        return options.RejectUnknownTokens ? null : FakeUser.Admin;
    }

    /// <summary>With <see cref="FakeKubeApiOptions.AuthorizeRequests"/>, RBAC decides every request as on a real server: 403 with its message.</summary>
    private void Authorize(FakeUser user, FakeAccessRequest access)
    {
        if (options.AuthorizeRequests && !Rbac.Authorize(user, access).Allowed)
        {
            throw new KubeApiException(HttpStatusCode.Forbidden, "Forbidden", access.ForbiddenMessage(user));
        }
    }

    private static string? ReviewKind(HttpRequest request) => request.Method == "POST" ? request.Path.Value?.TrimEnd('/') switch
    {
        "/apis/authentication.k8s.io/v1/tokenreviews" => "tokenreviews",
        "/apis/authorization.k8s.io/v1/subjectaccessreviews" => "subjectaccessreviews",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" => "selfsubjectaccessreviews",
        _ => null,
    } : null;

    private async Task ReviewAsync(HttpContext context, string plural, FakeUser user, CancellationToken ct)
    {
        Counters.AddOrUpdate(("create", plural, ""), 1, (_, n) => n + 1);
        try
        {
            if (TakeInjectedFailure())
            {
                throw new KubeApiException(failCode, "InternalError", "injected failure");
            }

            var group = plural == "tokenreviews" ? "authentication.k8s.io" : "authorization.k8s.io";
            Authorize(user, new FakeAccessRequest("create", group, plural, "", null, null));
            var body = await ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
            var answer = plural switch
            {
                "tokenreviews" => FakeReviews.TokenReview(body, t => Tokens.TryGetValue(t, out var u) ? u : null),
                "selfsubjectaccessreviews" => FakeReviews.AccessReview(body, user, Rbac),
                _ => FakeReviews.AccessReview(body, null, Rbac),
            };
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString(), ct).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            await WriteStatusAsync(context, e).ConfigureAwait(false);
        }
    }

    /// <summary>The kubelet's part of a graceful pod deletion: once the grace period is over, the pod is gone.</summary>
    private void ConfirmPodDeletionLater(ResourceDescriptor d, string? ns, string name, TimeSpan grace) =>
        _ = Task.Delay(grace, options.TimeProvider).ContinueWith(_ =>
        {
            try
            {
                store.Delete(d, ns, name);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // Deleted again meanwhile.
            }
        }, TaskScheduler.Default);

    /// <summary>Answers with the fault (after its hang), as an overloaded or failing server would.</summary>
    private static async Task FailAsync(HttpContext context, FakeFault fault, CancellationToken ct)
    {
        if (fault.Hang is { } hang)
        {
            await Task.Delay(hang, ct).ConfigureAwait(false);
        }

        var status = new k8s.Models.V1Status { Code = (int)fault.Code, Reason = fault.Code == HttpStatusCode.TooManyRequests ? "TooManyRequests" : "InternalError" };
        if (fault.RetryAfter is { } after)
        {
            var seconds = (int)Math.Ceiling(after.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            status.Details = new k8s.Models.V1StatusDetails { RetryAfterSeconds = seconds };
        }

        var message = fault.Code == HttpStatusCode.TooManyRequests ? "Too many requests, please try again later." : "injected failure";
        throw new KubeApiException(fault.Code, status.Reason, message, new k8s.Models.V1Status
        {
            ApiVersion = "v1", Kind = "Status", Metadata = new(), Status = "Failure", Code = status.Code, Reason = status.Reason, Message = message, Details = status.Details,
        });
    }

    private bool TakeInjectedFailure()
    {
        while (true)
        {
            var n = Volatile.Read(ref failNext);
            if (n <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref failNext, n - 1, n) == n)
            {
                return true;
            }
        }
    }

    private async Task WatchAsync(HttpContext context, FakeKubeApiRoute route, CancellationToken ct)
    {
        if (WatchesDown)
        {
            throw new KubeApiException(HttpStatusCode.InternalServerError, "InternalError", "watches are down (injected)");
        }

        var q = context.Request.Query;
        long? from = long.TryParse(q["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : null;
        TimeSpan? timeout = int.TryParse(q["timeoutSeconds"], CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;
        var bookmarks = q["allowWatchBookmarks"] == "true" ? options.BookmarkInterval : (TimeSpan?)null;
        context.Response.ContentType = "application/json";
        context.Response.StatusCode = StatusCodes.Status200OK;
        StoreWatch watch;
        try
        {
            watch = store.Watch(route.Resource, route.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"]), from);
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            await WriteEventAsync(context, "ERROR", StatusJson(e), ct).ConfigureAwait(false);
            return;
        }

        using var state = new FakeWatchState(ExpireAfterEvents, ct);
        watches[state] = 0;
        try
        {
            await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            using (watch)
            {
                await foreach (var (type, obj) in StoreWatchStream.ReadAsync(watch, bookmarks, timeout, options.TimeProvider, state.Cancel.Token).ConfigureAwait(false))
                {
                    await WriteEventAsync(context, type.ToString().ToUpperInvariant(), obj, ct).ConfigureAwait(false);
                    if (type != WatchEventKind.Bookmark && state.Remaining is { } left && (state.Remaining = left - 1) <= 0)
                    {
                        await WriteEventAsync(context, "ERROR", StatusJson(KubeApiException.Gone("too old resource version (injected)")), ct).ConfigureAwait(false);
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the test closed the watch.
        }
        finally
        {
            watches.TryRemove(state, out _);
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject obj, CancellationToken ct)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await context.Response.WriteAsync(line, ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static JsonObject StatusJson(KubeApiException e)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = e.Message,
            ["reason"] = e.Reason,
        };
        if (e.Status.Details is { } details)
        {
            status["details"] = new JsonObject
            {
                ["name"] = details.Name,
                ["group"] = details.Group,
                ["kind"] = details.Kind,
                ["causes"] = new JsonArray([.. (details.Causes ?? []).Select(c => new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field })]),
            };
            if (details.RetryAfterSeconds is { } retry)
            {
                ((JsonObject)status["details"]!)["retryAfterSeconds"] = retry;
            }
        }

        status["code"] = (int)e.StatusCode;
        return status;
    }

    private static async Task WriteStatusAsync(HttpContext context, KubeApiException e)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = (int)e.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StatusJson(e).ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static PatchType PatchTypeOf(string? contentType) => contentType?.Split(';')[0].Trim() switch
    {
        "application/json-patch+json" => PatchType.Json,
        "application/merge-patch+json" => PatchType.Merge,
        "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
        "application/apply-patch+yaml" => throw new KubeApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "server-side apply is not supported by the fake"),
        _ => throw new KubeApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"unsupported patch type {contentType}"),
    };

    /// <summary>The API server's request body limit (<c>--max-request-bytes</c>'s default; etcd's value limit is about the same).</summary>
    public const int MaxRequestBytes = 3 * 1024 * 1024;

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxRequestBytes)
        {
            throw TooLarge();
        }

        using var limited = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (limited.Length + read > MaxRequestBytes)
            {
                throw TooLarge();
            }

            limited.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(limited.GetBuffer(), 0, (int)limited.Length);
    }

    private static KubeApiException TooLarge() =>
        new(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxRequestBytes}");

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return JsonNode.Parse(await ReadBodyAsync(request, ct).ConfigureAwait(false)) as JsonObject
                ?? throw KubeApiException.BadRequest("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw KubeApiException.BadRequest("invalid JSON: " + e.Message);
        }
    }
}
