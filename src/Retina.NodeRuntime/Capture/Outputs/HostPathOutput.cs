using System.Security.Cryptography;

namespace Retina.NodeRuntime.Capture.Outputs;

/// <summary>Copies the tarball to a directory confined under the node's base directory (no absolute paths, no <c>..</c>, no symbolic links).</summary>
public sealed class HostPathOutput(string baseDirectory, string relativePath) : ICaptureOutput
{
    public string Kind => "hostPath";

    /// <summary>The directory a relative path names under the base; throws <see cref="OutputPermanentException"/> naming the field when it would escape.</summary>
    public static string Resolve(string baseDirectory, string relativePath)
    {
        var root = Path.GetFullPath(baseDirectory).TrimEnd('/');
        if (Path.IsPathRooted(relativePath))
        {
            throw new OutputPermanentException($"outputConfiguration.hostPath: \"{relativePath}\" is absolute; give a path relative to {root}");
        }

        var segments = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s == ".."))
        {
            throw new OutputPermanentException($"outputConfiguration.hostPath: \"{relativePath}\" contains \"..\"");
        }

        var full = Path.GetFullPath(Path.Combine(root, relativePath)).TrimEnd('/');
        if (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal))
        {
            throw new OutputPermanentException($"outputConfiguration.hostPath: \"{relativePath}\" is outside {root}");
        }

        var walk = root;
        foreach (var s in segments.Where(s => s != "."))
        {
            walk = Path.Combine(walk, s);
            if (new DirectoryInfo(walk) is { Exists: true, LinkTarget: not null })
            {
                throw new OutputPermanentException($"outputConfiguration.hostPath: \"{relativePath}\" goes through a symbolic link");
            }
        }

        return full;
    }

    public async Task<CaptureArtifactLocation> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        var directory = Resolve(baseDirectory, relativePath);
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, artifact.Name);
        var partial = Path.Combine(directory, "." + artifact.Name + ".partial");
        await using (var source = File.OpenRead(artifact.Path))
        await using (var destination = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            destination.Flush(flushToDisk: true);
        }

        await using (var check = File.OpenRead(partial))
        {
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(check, cancellationToken).ConfigureAwait(false));
            if (sha != artifact.Sha256)
            {
                File.Delete(partial);
                throw new IOException($"the copy in {directory} does not match the artifact's SHA-256");
            }
        }

        File.Move(partial, target, overwrite: true);
        return new CaptureArtifactLocation(Kind, target);
    }
}
