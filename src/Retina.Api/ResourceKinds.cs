using System.Reflection;
using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api;

/// <summary>The one list of Retina.NET kinds: CRD generation, validation, local mode and tests all read it.</summary>
public static class ResourceKinds
{
    public static readonly IReadOnlyList<ResourceKind> All =
    [
        ResourceKind.Create<MetricsConfiguration.MetricsConfiguration>(new MetricsConfiguration.MetricsConfigurationValidator()),
        ResourceKind.Create<Capture.Capture>(new Capture.CaptureValidator()),
        ResourceKind.Create<TraceSession.TraceSession>(new TraceSession.TraceSessionValidator()),
        ResourceKind.Create<ShellSession.ShellSession>(new ShellSession.ShellSessionValidator()),
        ResourceKind.Create<CapturePolicy.CapturePolicy>(new CapturePolicy.CapturePolicyValidator()),
        ResourceKind.Create<NodeRuntime.NodeRuntime>(new NodeRuntime.NodeRuntimeValidator()),
        ResourceKind.Create<RetinaEndpoint.RetinaEndpoint>(new RetinaEndpoint.RetinaEndpointValidator()),
    ];

    public static ResourceKind? ByKind(string kind) =>
        All.FirstOrDefault(k => string.Equals(k.Kind, kind, StringComparison.Ordinal));

    public static ResourceKind? ByPlural(string plural) =>
        All.FirstOrDefault(k => string.Equals(k.Plural, plural, StringComparison.Ordinal));
}

/// <summary>One kind: its CLR type, names, scope and validator.</summary>
public sealed record ResourceKind(Type Type, string Kind, string Plural, bool ClusterScoped, Func<IResource, ValidationReport> Validate)
{
    public string Singular => Kind.ToLowerInvariant();

    public static ResourceKind Create<T>(IValidator<T> validator)
        where T : IResource
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()!;
        var crd = typeof(T).GetCustomAttribute<CrdAttribute>()!;
        return new ResourceKind(typeof(T), entity.Kind, entity.PluralName, crd.ClusterScoped, r => validator.Validate((T)r));
    }
}
