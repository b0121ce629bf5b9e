using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.Capture;

/// <summary>
/// Address filters in Retina's syntax: <c>IP</c>, <c>IP:port</c>, <c>*:port</c> or <c>IP:*</c> (IPv6 as <c>[addr]:port</c>).
/// Translated to (include1 or include2 …) and not (exclude1 or exclude2 …).
/// </summary>
public sealed class CaptureFilters
{
    public const string EndpointPattern = @"^(\*|[0-9.]+|\[?[0-9A-Fa-f:.]+\]?)(:(\*|[0-9]{1,5}))?$";

    /// <summary>Endpoints to include; empty includes everything.</summary>
    [MaxItems(256)]
    [ItemPattern(EndpointPattern)]
    [JsonPropertyName("include")]
    public List<string>? Include { get; set; }

    /// <summary>Endpoints to exclude.</summary>
    [MaxItems(256)]
    [ItemPattern(EndpointPattern)]
    [JsonPropertyName("exclude")]
    public List<string>? Exclude { get; set; }
}
