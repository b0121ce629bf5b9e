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

    /// <summary>
    /// What a real API server checks before it stores a file's object (e.g. <see cref="Schema.CrdSchemaAdmission"/>: prune,
    /// default, validate). A document it refuses is not applied, as <c>kubectl apply</c> would fail: the file is listed
    /// with the refusal (the message kubectl prints) and its previous objects are kept. Null: every document is applied.
    /// </summary>
    public IStoreAdmission? Admission { get; set; }

    /// <summary>Kinds never persisted to the state directory (chatty, process-local records).</summary>
    public HashSet<string> TransientKinds { get; } = new(StringComparer.Ordinal) { "Event", "Lease" };

    public FileStoreOptions Register<T>()
    {
        Resources.Add(ResourceDescriptor.For<T>());
        return this;
    }
}
