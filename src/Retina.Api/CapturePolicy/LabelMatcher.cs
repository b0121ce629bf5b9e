using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.CapturePolicy;

/// <summary>An Alertmanager label matcher: name, operator (=, !=, =~, !~) and value.</summary>
public sealed class LabelMatcher
{
    /// <summary>Label name.</summary>
    [Required]
    [MaxLength(128)]
    [RegularExpression("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>= (equal), != (not equal), =~ (regex match), !~ (regex does not match). Default =.</summary>
    [AllowedValues("=", "!=", "=~", "!~")]
    [JsonPropertyName("operator")]
    public string? Operator { get; set; }

    /// <summary>Value, or a fully anchored regular expression for =~ and !~.</summary>
    [MaxLength(1024)]
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
