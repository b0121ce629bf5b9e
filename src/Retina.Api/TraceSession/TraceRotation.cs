using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Retina.Api.TraceSession;

/// <summary>How each node's flow log is cut into files.</summary>
public sealed class TraceRotation
{
    /// <summary>Start a new file once the current one holds this many MB (1,000,000 bytes) of compressed output (default 100).</summary>
    [Range(1, 10_000)]
    [JsonPropertyName("maxFileSizeMB")]
    public int? MaxFileSizeMb { get; set; }

    /// <summary>Keep at most this many files per node; the oldest go first (default 10).</summary>
    [Range(1, 1000)]
    [JsonPropertyName("fileCount")]
    public int? FileCount { get; set; }
}
