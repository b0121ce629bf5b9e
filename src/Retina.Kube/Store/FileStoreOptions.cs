using Retina.Kube.Client;

namespace Retina.Kube.Store;

public sealed class FileStoreOptions
{
    /// <summary>The directory of resource YAML (multi-document files allowed), watched like a GitOps checkout.</summary>
    public required string SourceDirectory { get; set; }

    /// <summary>Where status (and objects created through the client) is written: <c>&lt;kind-plural&gt;/&lt;namespace|_cluster&gt;/&lt;name&gt;.yaml</c>.</summary>
    public required string StateDirectory { get; set; }

    /// <summary>A full rescan this often, besides the file-system watcher's notifications.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The kinds the YAML may contain (matched by apiVersion and kind); other documents are skipped.</summary>
    public List<ResourceDescriptor> Resources { get; } = [];

    /// <summary>Kinds never persisted to the state directory (chatty, process-local records).</summary>
    public HashSet<string> TransientKinds { get; } = new(StringComparer.Ordinal) { "Event", "Lease" };

    public FileStoreOptions Register<T>()
    {
        Resources.Add(ResourceDescriptor.For<T>());
        return this;
    }
}
