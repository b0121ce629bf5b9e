using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Retina.Controllers.Admission;

/// <summary>
/// Serves AdmissionReviews (admission.k8s.io/v1) for our kinds. <c>/validate</c> runs the spec validators, then every
/// <see cref="IAdmissionRule"/> in registration order (the first denial is the answer, with its code, reason and a
/// message naming the field or the grant). <c>/mutate</c> stamps <see cref="RequestedBy"/>. A body over
/// <see cref="MaxBodyBytes"/> is 413, a malformed review 400, a rule that throws 500 (the API server then applies the
/// webhook's failurePolicy). Object contents are never logged: only kind, namespace, name, operation and the outcome.
/// </summary>
public sealed partial class AdmissionWebhook(SpecValidationRule validation, IEnumerable<IAdmissionRule> rules, ILogger<AdmissionWebhook> logger)
{
    /// <summary>The API server's own limit for an object is 3 MiB; a review carries object and oldObject.</summary>
    public const int MaxBodyBytes = 7 * 1024 * 1024;

    private const int MaxDepth = 64;

    private readonly IReadOnlyList<IAdmissionRule> rules = [validation, .. rules.Where(r => r is not SpecValidationRule)];

    public Task ValidateAsync(HttpContext context) => ServeAsync(context, ValidateAsync);

    public Task MutateAsync(HttpContext context) => ServeAsync(context, (review, _) => Task.FromResult(Mutate(review)));

    private async Task<JsonObject> ValidateAsync(AdmissionReviewRequest review, CancellationToken ct)
    {
        if (review.Group != Api.Common.RetinaGroup.Group)
        {
            return review.Respond(null);
        }

        foreach (var rule in rules)
        {
            if (await rule.CheckAsync(review.Attempt, ct).ConfigureAwait(false) is { } denial)
            {
                var a = review.Attempt;
                LogDenied(a.Kind, a.Namespace ?? "", a.Name, a.Operation, denial.Reason);
                return review.Respond(denial);
            }
        }

        return review.Respond(null);
    }

    private static JsonObject Mutate(AdmissionReviewRequest review)
    {
        var a = review.Attempt;
        if (review.Group != Api.Common.RetinaGroup.Group || !RequestedBy.Kinds.Contains(a.Kind) || a.SubResource.Length > 0
            || a.Object is null || a.Operation is not (AdmissionOperation.Create or AdmissionOperation.Update))
        {
            return review.Respond(null);
        }

        return review.Respond(null, RequestedBy.Patch(a.Object, RequestedBy.Expected(a.Operation, a.OldObject, a.User.Username)));
    }

    private async Task ServeAsync(HttpContext context, Func<AdmissionReviewRequest, CancellationToken, Task<JsonObject>> answer)
    {
        var ct = context.RequestAborted;
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await PlainAsync(context, StatusCodes.Status413PayloadTooLarge, $"the review is larger than {MaxBodyBytes} bytes").ConfigureAwait(false);
            return;
        }

        AdmissionReviewRequest review;
        try
        {
            var body = await Hosting.RequestBodies.ReadCappedAsync(context.Request.Body, MaxBodyBytes, ct).ConfigureAwait(false);
            if (body is null)
            {
                await PlainAsync(context, StatusCodes.Status413PayloadTooLarge, $"the review is larger than {MaxBodyBytes} bytes").ConfigureAwait(false);
                return;
            }

            review = AdmissionReviewRequest.Parse(JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth }));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            LogMalformed(e.GetType().Name);
            await PlainAsync(context, StatusCodes.Status400BadRequest, "malformed AdmissionReview: " + (e is JsonException ? "invalid JSON" : e.Message)).ConfigureAwait(false);
            return;
        }

        JsonObject response;
        try
        {
            response = await answer(review, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A rule could not decide (e.g. its SubjectAccessReview failed): the API server applies the failurePolicy.
            LogRuleFailed(review.Attempt.Kind, review.Attempt.Namespace ?? "", review.Attempt.Name, e.GetType().Name);
            await PlainAsync(context, StatusCodes.Status500InternalServerError, "the webhook could not decide: " + e.GetType().Name).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), ct).ConfigureAwait(false);
    }

    private static async Task PlainAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "admission denied {Operation} of {Kind} {Namespace}/{Name}: {Reason}")]
    private partial void LogDenied(string kind, string @namespace, string name, AdmissionOperation operation, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "malformed AdmissionReview ({Error})")]
    private partial void LogMalformed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "an admission rule failed on {Kind} {Namespace}/{Name} ({Error}); answering 500")]
    private partial void LogRuleFailed(string kind, string @namespace, string name, string error);
}
