using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retina.Controllers.Alerts;

/// <summary>Alertmanager's webhook payload, version 4 (what <c>webhook_configs</c> posts).</summary>
public sealed class AlertNotification
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("groupKey")]
    public string? GroupKey { get; set; }

    /// <summary>How many alerts Alertmanager left out of this post (<c>max_alerts</c>): they are not seen, and are counted.</summary>
    [JsonPropertyName("truncatedAlerts")]
    public int TruncatedAlerts { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("receiver")]
    public string? Receiver { get; set; }

    [JsonPropertyName("alerts")]
    public List<Alert>? Alerts { get; set; }

    /// <summary>Parses and checks a post; a payload we cannot act on is refused with the reason (HTTP 400), never half-read.</summary>
    public static AlertNotification Parse(ReadOnlySpan<byte> body)
    {
        AlertNotification? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<AlertNotification>(body, Json);
        }
        catch (JsonException e)
        {
            throw new AlertNotificationException($"the body is not an Alertmanager webhook payload: {e.Message}");
        }

        if (parsed is null)
        {
            throw new AlertNotificationException("the body is empty (null)");
        }

        if (parsed.Version != "4")
        {
            throw new AlertNotificationException($"payload version \"{parsed.Version}\" is not supported (Alertmanager sends version \"4\")");
        }

        if (parsed.Alerts is null)
        {
            throw new AlertNotificationException("alerts: required");
        }

        for (var i = 0; i < parsed.Alerts.Count; i++)
        {
            var a = parsed.Alerts[i];
            if (a is null || a.Status is not ("firing" or "resolved"))
            {
                throw new AlertNotificationException($"alerts[{i}].status: \"{a?.Status}\" must be firing or resolved");
            }

            if (string.IsNullOrEmpty(a.Fingerprint))
            {
                throw new AlertNotificationException($"alerts[{i}].fingerprint: required (it names the alert's firing episode)");
            }

            if (a.StartsAt is null)
            {
                throw new AlertNotificationException($"alerts[{i}].startsAt: required");
            }

            a.Labels ??= [];
        }

        return parsed;
    }

    private static readonly JsonSerializerOptions Json = new() { MaxDepth = 16 };
}

/// <summary>One alert of a notification.</summary>
public sealed class Alert
{
    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    [JsonPropertyName("startsAt")]
    public DateTimeOffset? StartsAt { get; set; }

    [JsonPropertyName("endsAt")]
    public DateTimeOffset? EndsAt { get; set; }

    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; set; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; set; }

    public string Name => Labels is not null && Labels.TryGetValue("alertname", out var n) ? n : "";
}

/// <summary>A post we refuse (400) with the reason; nothing of it is acted on.</summary>
public sealed class AlertNotificationException(string message) : Exception(message);
