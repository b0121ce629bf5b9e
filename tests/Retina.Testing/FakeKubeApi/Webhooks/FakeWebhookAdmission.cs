using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;
using Retina.Kube.Selectors;
using Retina.Kube.Store;
using Retina.Testing.FakeKubeApi.Auth;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>
/// Writes that configured admission webhooks apply to, in the API server's order: the candidate object (for a patch,
/// merged against the stored object), mutating webhooks (their JSONPatch applied in turn), schema pruning, defaulting and
/// validation (<see cref="IStoreAdmission"/>), validating webhooks, then the store write with the stored object's
/// resourceVersion as precondition (retried from the start on a conflict the client did not cause). Webhooks are
/// called outside the store's lock, so a webhook may call the API (e.g. SubjectAccessReview) while it decides.
/// </summary>
internal sealed class FakeWebhookAdmission(ApiObjectStore store, IStoreAdmission? schema, FakeKubeApiOptions options)
{
    private const int Attempts = 5;

    /// <summary>Whether any configured webhook's rules name this kind and operation (selectors are judged later).</summary>
    public bool Applies(ResourceDescriptor d, string subresource, string verb) =>
        Operation(verb) is { } op && d.Group != "admissionregistration.k8s.io"
        && Webhooks(FakeWebhookKinds.MutatingConfigurations).Concat(Webhooks(FakeWebhookKinds.ValidatingConfigurations))
            .Any(w => FakeWebhookRules.RulesMatch(w, d, subresource, op));

    public async Task<JsonObject> WriteAsync(string verb, FakeKubeApiRoute route, FakeUser user, string body, PatchType? patchType, bool dryRun, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryWriteAsync(verb, route, user, body, patchType, dryRun, ct).ConfigureAwait(false);
            }
            catch (RetryableConflict) when (attempt < Attempts)
            {
                // Another writer got in between our read and our write: admit again against the new stored object.
            }
            catch (RetryableConflict e)
            {
                throw e.Conflict;
            }
        }
    }

    private async Task<JsonObject> TryWriteAsync(string verb, FakeKubeApiRoute route, FakeUser user, string body, PatchType? patchType, bool dryRun, CancellationToken ct)
    {
        var d = route.Resource;
        var subresource = route.Subresource ?? "";
        var operation = Operation(verb)!;
        var current = verb == "create" ? null : store.Get(d, route.Namespace, route.Name!);
        var candidate = verb switch
        {
            "create" => ForCreate(d, route.Namespace, Parse(body)),
            "update" => Replaced(d, current!, Parse(body), subresource == "status"),
            "patch" => Replaced(d, current!, Patched(current!, body, patchType!.Value), subresource == "status"),
            _ => null,
        };
        var clientVersion = (string?)candidate?["metadata"]?["resourceVersion"];
        var currentVersion = (string?)current?["metadata"]?["resourceVersion"];
        // Only a conflict the client did not ask for (no resourceVersion of its own) is retried.
        var retryable = verb switch
        {
            "update" => string.IsNullOrEmpty(clientVersion),
            "patch" => clientVersion == currentVersion,
            _ => false,
        };
        if (candidate is not null && current is not null && (verb == "patch" ? clientVersion == currentVersion : string.IsNullOrEmpty(clientVersion)))
        {
            KubeJson.EnsureObject(candidate, "metadata")["resourceVersion"] = currentVersion;
        }

        var ns = d.Namespaced ? route.Namespace ?? (string?)candidate?["metadata"]?["namespace"] : null;
        var name = route.Name ?? (string?)candidate?["metadata"]?["name"] ?? "";
        var nsLabels = ns is null ? null : NamespaceLabels(ns);
        foreach (var webhook in Webhooks(FakeWebhookKinds.MutatingConfigurations).Where(w => FakeWebhookRules.Matches(w, d, subresource, operation, nsLabels, candidate, current)))
        {
            var response = await CallAsync(webhook, d, subresource, operation, ns, name, user, candidate, current, dryRun, ct).ConfigureAwait(false);
            if (response is not null && candidate is not null && (string?)response["patch"] is { Length: > 0 } patch)
            {
                candidate = ApplyWebhookPatch(webhook, candidate, response, patch);
            }
        }

        if (candidate is not null)
        {
            schema?.Admit(d, candidate, subresource == "status" ? StoreWriteScope.Status : StoreWriteScope.Object);
        }

        foreach (var webhook in Webhooks(FakeWebhookKinds.ValidatingConfigurations).Where(w => FakeWebhookRules.Matches(w, d, subresource, operation, nsLabels, candidate, current)))
        {
            await CallAsync(webhook, d, subresource, operation, ns, name, user, candidate, current, dryRun, ct).ConfigureAwait(false);
        }

        try
        {
            return verb switch
            {
                "create" => store.Create(d, route.Namespace, candidate!),
                "delete" => store.Delete(d, route.Namespace, route.Name!),
                _ => store.Update(d, route.Namespace, route.Name!, candidate!, subresource == "status"),
            };
        }
        catch (KubeApiException e) when (e.IsConflict && !e.IsAlreadyExists && retryable)
        {
            throw new RetryableConflict(e);
        }
    }

    /// <summary>Calls one webhook; null when it failed and its failurePolicy is Ignore. A denial is the server's "denied the request" error.</summary>
    private async Task<JsonObject?> CallAsync(JsonObject webhook, ResourceDescriptor d, string subresource, string operation, string? ns, string name,
        FakeUser user, JsonObject? obj, JsonObject? oldObj, bool dryRun, CancellationToken ct)
    {
        var webhookName = (string?)webhook["name"] ?? "";
        JsonObject response;
        try
        {
            var review = FakeAdmissionReview.Request(d, subresource, operation, ns, name, user, obj, oldObj, dryRun);
            response = await FakeWebhookCall.PostAsync(webhook, review, options, ct).ConfigureAwait(false);
        }
        catch (KubeApiException) when ((string?)webhook["failurePolicy"] == "Ignore")
        {
            return null;
        }

        if ((bool?)response["allowed"] == true)
        {
            return response;
        }

        throw Denied(webhookName, response["status"] as JsonObject);
    }

    /// <summary>As apiserver's <c>webhookerrors.ToStatusErr</c>: code at least 400, the message prefixed with who denied it.</summary>
    private static KubeApiException Denied(string webhook, JsonObject? status)
    {
        var code = FakeWebhookCall.Number(status?["code"]) is { } c && c >= 400 ? c : 400;
        var reason = (string?)status?["reason"] ?? "";
        var message = (string?)status?["message"];
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var full = !string.IsNullOrEmpty(message) ? $"{deniedBy}: {message}"
            : reason.Length > 0 ? $"{deniedBy}: {reason}"
            : $"{deniedBy} without explanation";
        return new KubeApiException((HttpStatusCode)code, reason, full);
    }

    private static JsonObject ApplyWebhookPatch(JsonObject webhook, JsonObject candidate, JsonObject response, string patch)
    {
        var name = (string?)webhook["name"] ?? "";
        if ((string?)response["patchType"] != "JSONPatch")
        {
            throw FakeWebhookCall.Failed(name, $"received invalid webhook response: unsupported patch type \"{(string?)response["patchType"]}\"");
        }

        try
        {
            var operations = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(patch))) as JsonArray
                ?? throw new FormatException("the patch is not a JSON array");
            return JsonPatch.Apply(candidate, operations) as JsonObject ?? throw new FormatException("the patched object is not an object");
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KubeApiException or InvalidOperationException)
        {
            throw FakeWebhookCall.Failed(name, "received invalid webhook response: " + e.Message);
        }
    }

    private static JsonObject ForCreate(ResourceDescriptor d, string? ns, JsonObject body)
    {
        var meta = KubeJson.EnsureObject(body, "metadata");
        if (string.IsNullOrEmpty((string?)meta["name"]) && (string?)meta["generateName"] is { } prefix)
        {
            meta["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
        }

        body["apiVersion"] = d.ApiVersion;
        body["kind"] = d.Kind;
        if (d.Namespaced && (ns ?? (string?)meta["namespace"]) is { } namespaceValue)
        {
            meta["namespace"] = namespaceValue;
        }

        if (d.HasStatusSubresource)
        {
            body.Remove("status");
        }

        return body;
    }

    /// <summary>The object a PUT (or a merged patch) would store: status from the stored object on the main resource, only status on /status.</summary>
    private static JsonObject Replaced(ResourceDescriptor d, JsonObject current, JsonObject body, bool statusSubresource)
    {
        JsonObject next;
        if (statusSubresource)
        {
            next = (JsonObject)current.DeepClone();
            next["status"] = body["status"]?.DeepClone();
            if (body["metadata"]?["resourceVersion"] is { } rv)
            {
                next["metadata"]!["resourceVersion"] = rv.DeepClone();
            }
        }
        else
        {
            next = body;
            if (d.HasStatusSubresource)
            {
                next["status"] = current["status"]?.DeepClone();
            }

            var meta = KubeJson.EnsureObject(next, "metadata");
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp" })
            {
                meta[field] = current["metadata"]?[field]?.DeepClone();
            }
        }

        foreach (var (key, value) in next["metadata"]!.AsObject().ToList())
        {
            if (value is null)
            {
                next["metadata"]!.AsObject().Remove(key);
            }
        }

        if (next["status"] is null)
        {
            next.Remove("status");
        }

        next["apiVersion"] = d.ApiVersion;
        next["kind"] = d.Kind;
        return next;
    }

    private static JsonObject Patched(JsonObject current, string body, PatchType type)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw KubeApiException.BadRequest("invalid patch: " + e.Message);
        }

        var patched = type == PatchType.Json
            ? JsonPatch.Apply(current, parsed as JsonArray ?? throw KubeApiException.BadRequest("a json patch must be an array"))
            : JsonMergePatch.Apply(current.DeepClone(), parsed);
        return patched as JsonObject ?? throw KubeApiException.Invalid("patch result is not an object");
    }

    private static JsonObject Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw KubeApiException.BadRequest("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw KubeApiException.BadRequest("invalid JSON: " + e.Message);
        }
    }

    private Dictionary<string, string> NamespaceLabels(string ns)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var d = store.FindByKind("v1", "Namespace");
        if (d is not null)
        {
            try
            {
                foreach (var (k, v) in store.Get(d, null, ns)["metadata"]?["labels"] as JsonObject ?? [])
                {
                    labels[k] = v?.ToString() ?? "";
                }
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // The fake does not require namespaces to exist; such a namespace has only the automatic label.
            }
        }

        labels["kubernetes.io/metadata.name"] = ns;
        return labels;
    }

    private IEnumerable<JsonObject> Webhooks(ResourceDescriptor configurations)
    {
        if (store.Find(configurations.Group, configurations.Version, configurations.Plural) is null)
        {
            return [];
        }

        var (items, _) = store.List(configurations, null, LabelSelector.Everything, FieldSelector.Everything);
        return items.OrderBy(c => (string?)c["metadata"]?["name"], StringComparer.Ordinal)
            .SelectMany(c => (c["webhooks"] as JsonArray ?? []).OfType<JsonObject>())
            .ToList();
    }

    private static string? Operation(string verb) => verb switch
    {
        "create" => "CREATE",
        "update" or "patch" => "UPDATE",
        "delete" => "DELETE",
        _ => null,
    };

    private sealed class RetryableConflict(KubeApiException conflict) : Exception(conflict.Message)
    {
        public KubeApiException Conflict { get; } = conflict;
    }
}
