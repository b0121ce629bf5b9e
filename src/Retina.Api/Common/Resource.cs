using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Retina.Api.Common;

/// <summary>The shape every Retina.NET kind shares: apiVersion, kind, metadata, spec and status.</summary>
public abstract class Resource<TSpec, TStatus> : IResource
    where TSpec : new()
    where TStatus : class, IResourceStatus, new()
{
    protected Resource(string kind)
    {
        ApiVersion = RetinaGroup.ApiVersion;
        Kind = kind;
    }

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [Required]
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TStatus? Status { get; set; }

    [JsonIgnore]
    public List<Condition> StatusConditions => (Status ??= new TStatus()).Conditions ??= [];

    [JsonIgnore]
    public long? StatusObservedGeneration
    {
        get => Status?.ObservedGeneration;
        set => (Status ??= new TStatus()).ObservedGeneration = value;
    }
}
