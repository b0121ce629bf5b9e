namespace Retina.Api.Schema;

/// <summary>How a kind is exposed as a CustomResourceDefinition: scope, short names, categories.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CrdAttribute : Attribute
{
    public bool ClusterScoped { get; init; }

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = ["retina"];
}
