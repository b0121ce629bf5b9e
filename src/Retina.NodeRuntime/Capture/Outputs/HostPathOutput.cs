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
        if (!HostPathConfinement.IsRegularFile(artifact.Path))
        {
            throw new OutputPermanentException($"hostPath: the tarball {artifact.Name} is no longer a regular file (replaced by a symbolic link?); not delivered");
        }

        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, artifact.Name);
        var partial = Path.Combine(directory, "." + artifact.Name + ".partial");

        // A leftover (or planted) partial may be a link: remove the name itself, then create it exclusively, which never follows a link.
        File.Delete(partial);
        await using (var source = File.OpenRead(artifact.Path))
        await using (var destination = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
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

        // rename(2) replaces a link at the target name, never what it points to.
        File.Move(partial, target, overwrite: true);

        // What we report is mounted by the PVC copy Job: it must really be under the base, links resolved.
        if (!HostPathConfinement.IsUnder(target, baseDirectory))
        {
            throw new OutputPermanentException($"hostPath: {target} resolves to {HostPathConfinement.RealPath(target)}, outside {HostPathConfinement.RealPath(baseDirectory)}; not reported");
        }

        return new CaptureArtifactLocation(Kind, target);
    }
}
