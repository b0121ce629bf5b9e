namespace Retina.Kube.Client;

/// <summary>The patch formats the API accepts.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>).</summary>
    Json,

    /// <summary>Strategic merge patch; our local store and test fake treat it as a merge patch.</summary>
    StrategicMerge,
}
