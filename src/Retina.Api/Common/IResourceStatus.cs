namespace Retina.Api.Common;

/// <summary>What every status carries: the generation it reflects and its conditions.</summary>
public interface IResourceStatus
{
    long? ObservedGeneration { get; set; }

    List<Condition>? Conditions { get; set; }
}
