namespace Retina.Kube.Store;

/// <summary>Which part of an object a write may change.</summary>
public enum StoreWriteScope
{
    /// <summary>A create, update or patch of the resource: everything but status (when the kind has a status subresource).</summary>
    Object,

    /// <summary>A write through the status subresource: only status.</summary>
    Status,
}
