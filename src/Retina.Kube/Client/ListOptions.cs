namespace Retina.Kube.Client;

/// <summary>What to list: a namespace (null = all or cluster-scoped) and label/field selectors in the API's string syntax.</summary>
public sealed record ListOptions
{
    public string? Namespace { get; init; }

    /// <summary>e.g. <c>app=web,tier!=db,env in (a,b),!legacy</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>e.g. <c>spec.nodeName=node-1</c> or <c>metadata.name=x</c>.</summary>
    public string? FieldSelector { get; init; }
}
