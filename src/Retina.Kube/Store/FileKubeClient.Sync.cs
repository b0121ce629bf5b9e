using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;

namespace Retina.Kube.Store;

/// <summary>Applying the source directory and the state directory to the store.</summary>
public sealed partial class FileKubeClient
{
    private void ApplyFromFile(FileObjectKey key, ResourceDescriptor d, JsonObject obj)
    {
        var existing = inner.TryGetNode(d, key.Namespace, key.Name);
        try
        {
            if (existing is null)
            {
                var recorded = state.Read(d, key.Namespace, key.Name);
                var body = obj;
                if (recorded?["metadata"] is JsonObject recordedMeta && recordedMeta["uid"] is not null)
                {
                    // The same file seen again (e.g. after a restart): keep the object's uid and age.
                    body = (JsonObject)obj.DeepClone();
                    var bodyMeta = KubeJson.EnsureObject(body, "metadata");
                    bodyMeta["uid"] = recordedMeta["uid"]!.DeepClone();
                    bodyMeta["creationTimestamp"] = recordedMeta["creationTimestamp"]?.DeepClone();
                }

                var created = Store.Create(d, key.Namespace, body, restoreIdentity: true);
                if (recorded?["status"] is JsonObject status)
                {
                    created["status"] = status.DeepClone();
                    Store.Update(d, key.Namespace, key.Name, created, d.HasStatusSubresource);
                }

                return;
            }

            if (existing["metadata"]?["deletionTimestamp"] is not null)
            {
                return;
            }

            // The file owns spec, labels and annotations; controllers own finalizers and owner references.
            var next = (JsonObject)obj.DeepClone();
            var meta = (JsonObject)existing["metadata"]!.DeepClone();
            meta.Remove("resourceVersion");
            foreach (var field in new[] { "labels", "annotations" })
            {
                meta.Remove(field);
                if (obj["metadata"]?[field] is { } value)
                {
                    meta[field] = value.DeepClone();
                }
            }

            next["metadata"] = meta;
            if (!d.HasStatusSubresource && existing["status"] is { } currentStatus)
            {
                next["status"] = currentStatus.DeepClone();
            }

            Store.Update(d, key.Namespace, key.Name, next, statusSubresource: false);
        }
        catch (KubeApiException e)
        {
            LogApplyFailed(logger, e, d.Kind, key.Name);
        }
    }

    private void DeleteFromFile(FileObjectKey key)
    {
        var d = Store.Resources.FirstOrDefault(r => r.Group + "/" + r.Plural == key.Resource);
        if (d is null)
        {
            return;
        }

        try
        {
            Store.Delete(d, key.Namespace, key.Name);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Already gone.
        }

        Persist(d, new ObjectKey(key.Namespace, key.Name));
    }

    private void RestoreCreatedObjects()
    {
        foreach (var (d, ns, name, obj) in state.ReadAll(Store))
        {
            var key = new FileObjectKey(d.Group + "/" + d.Plural, ns, name);
            if (fileObjects.ContainsKey(key) || FileStateDirectory.IsStatusOnly(obj))
            {
                if (!fileObjects.ContainsKey(key))
                {
                    state.Delete(d, ns, name);
                }

                continue;
            }

            try
            {
                var created = Store.Create(d, ns, obj, restoreIdentity: true);
                if (obj["status"] is JsonObject status && d.HasStatusSubresource)
                {
                    created["status"] = status.DeepClone();
                    Store.Update(d, ns, name, created, statusSubresource: true);
                }
            }
            catch (KubeApiException e)
            {
                LogApplyFailed(logger, e, d.Kind, name);
            }
        }
    }
}
