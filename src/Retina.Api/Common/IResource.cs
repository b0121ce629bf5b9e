using k8s;
using k8s.Models;

namespace Retina.Api.Common;

/// <summary>A Retina.NET custom resource: metadata, a spec, and a status with conditions.</summary>
public interface IResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The status's conditions list, created on first use.</summary>
    List<Condition> StatusConditions { get; }

    /// <summary>The generation the status was computed from.</summary>
    long? StatusObservedGeneration { get; set; }
}
