using System.Text.Json.Nodes;
using Retina.Kube.Client;

namespace Retina.Kube.Store;

/// <summary>
/// What an API server does to a write after it has been decoded and merged with the stored object, before it is
/// stored: prune, default and validate (the CRD's structural schema). Called inside the store's lock with the
/// object that would be stored; it may change <paramref name="candidate"/> in place and rejects by throwing a
/// <see cref="KubeApiException"/> (422 Invalid with causes). Without one (local mode), every object is stored as written.
/// </summary>
public interface IStoreAdmission
{
    /// <param name="d">The kind written.</param>
    /// <param name="candidate">The whole object as it would be stored.</param>
    /// <param name="scope">Which part of it this write may change, and so which part is checked.</param>
    void Admit(ResourceDescriptor d, JsonObject candidate, StoreWriteScope scope);
}
