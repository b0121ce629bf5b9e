using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Capture;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Where a trace's files go on this node: the assignment's hostPath under the runtime's capture base directory, with
/// the captures' confinement (links resolved, never outside the base). A trace with only Blob, S3 or PVC outputs is
/// written under <c>&lt;base&gt;/.traces/&lt;namespace&gt;-&lt;name&gt;</c> (see <see cref="TraceRunner"/>); one
/// with no output keeps only its summary. Pure.
/// </summary>
public static class TraceOutput
{
    /// <summary>The directory, null for summary only, or the problem.</summary>
    public static (string? Directory, string? Problem) Resolve(NodeTraceAssignment a, string baseDirectory)
    {
        if (a.HostPath is { Length: > 0 } rel)
        {
            if (Path.IsPathRooted(rel) || rel.Split('/').Contains(".."))
            {
                return (null, $"hostPath '{rel}' must be relative to the node's capture base directory, without '..'");
            }

            var full = Path.GetFullPath(Path.Combine(baseDirectory, rel));
            return HostPathConfinement.IsUnder(full, baseDirectory)
                ? (full, null)
                : (null, $"hostPath '{rel}' resolves outside the node's capture base directory {baseDirectory} (a symbolic link?)");
        }

        if (a.BlobSecret is { Length: > 0 } || a.S3 is not null || a.PersistentVolumeClaim is { Length: > 0 })
        {
            return (Path.Combine(baseDirectory, ".traces", Safe(a.Namespace) + "-" + Safe(a.Name)), null);
        }

        return (null, null);
    }

    /// <summary>Characters unsafe in a file name replaced, as captures do.</summary>
    public static string Safe(string s) => new([.. s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_')]);
}
