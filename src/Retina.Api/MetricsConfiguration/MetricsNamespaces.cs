using System.Text.Json.Serialization;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.MetricsConfiguration;

/// <summary>Namespaces covered by advanced metrics: exactly one of include or exclude.</summary>
[ExclusiveGroups("include", "exclude", AtLeastOne = true)]
public sealed class MetricsNamespaces
{
    /// <summary>Schema cap on each list, here and in the merged list every node runs.</summary>
    public const int MaxNamespaces = 1000;

    /// <summary>Only pods in these namespaces are reported.</summary>
    [MaxItems(MaxNamespaces)]
    [ItemPattern(Names.Dns1123LabelPattern)]
    [JsonPropertyName("include")]
    public List<string>? Include { get; set; }

    /// <summary>Pods in every namespace except these are reported.</summary>
    [MaxItems(MaxNamespaces)]
    [ItemPattern(Names.Dns1123LabelPattern)]
    [JsonPropertyName("exclude")]
    public List<string>? Exclude { get; set; }
}
