using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Retina.Api.Schema;

namespace Retina.Api.Common;

/// <summary>One requirement of a label selector.</summary>
public sealed class LabelSelectorRequirement
{
    /// <summary>The label key the requirement applies to.</summary>
    [Required]
    [MaxLength(317)]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>How the key relates to the values: In, NotIn, Exists or DoesNotExist.</summary>
    [Required]
    [AllowedValues("In", "NotIn", "Exists", "DoesNotExist")]
    [JsonPropertyName("operator")]
    public string Operator { get; set; } = "";

    /// <summary>Values for In and NotIn; must be empty for Exists and DoesNotExist.</summary>
    [MaxItems(64)]
    [JsonPropertyName("values")]
    public List<string>? Values { get; set; }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "In" => has && Values is not null && Values.Contains(value!),
            "NotIn" => !has || Values is null || !Values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        "In" => $"{Key} in ({string.Join(',', Values ?? [])})",
        "NotIn" => $"{Key} notin ({string.Join(',', Values ?? [])})",
        "Exists" => Key,
        "DoesNotExist" => "!" + Key,
        _ => Key,
    };
}
