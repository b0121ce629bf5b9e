namespace Retina.Kube.Store;

/// <summary>
/// Bounds on one YAML input, set like a real API server's: it refuses request bodies over 3 MiB and JSON nested deeper
/// than 10 000, and its YAML decoder refuses alias expansion beyond a node budget. Local-mode files may hold many
/// objects (a whole <c>kubectl kustomize</c> output), so the file limit is larger than one request.
/// </summary>
public sealed record YamlLimits
{
    public static YamlLimits Default { get; } = new();

    /// <summary>Largest input accepted, in bytes (UTF-8).</summary>
    public long MaxBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Most nodes (scalars, mappings, sequences) after expanding aliases, over all documents of the input.</summary>
    public long MaxNodes { get; init; } = 500_000;

    /// <summary>Most scalar characters after expanding aliases: an alias to a long string costs its length each time.</summary>
    public long MaxExpandedChars { get; init; } = 64L * 1024 * 1024;
}
