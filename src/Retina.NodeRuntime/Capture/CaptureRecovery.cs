using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// After a runtime restart, finds what a capture left in the work directory — capture files of an unfinished capture, or
/// a finished tarball not yet delivered — and turns it into a Failed result that keeps the partial capture.
/// </summary>
internal sealed partial class CaptureRecovery(CaptureEngineOptions options, ILogger log, TimeProvider time)
{
    public const string Message = "the node runtime restarted during the capture";

    public async Task<CaptureResult?> RecoverAsync(CaptureRequest request, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(options.WorkDirectory))
        {
            return null;
        }

        var prefix = CaptureSession.ArtifactBaseName(request, DateTimeOffset.UnixEpoch)[..^"19700101000000UTC".Length];
        var leftovers = Directory.EnumerateFileSystemEntries(options.WorkDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && Stamp().IsMatch(n[prefix.Length..]))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (leftovers.Count == 0)
        {
            return null;
        }

        var redactor = SecretRedactor.For(request);
        var baseName = leftovers[^1][..(prefix.Length + "yyyyMMddHHmmssUTC".Length)];
        var tarball = Path.Combine(options.WorkDirectory, baseName + ".tar.gz");
        var directory = Path.Combine(options.WorkDirectory, baseName);
        CaptureArtifact artifact;
        CaptureCounters counters = default;
        IReadOnlyList<string> captureFiles = [];
        string message;
        if (File.Exists(tarball))
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            await using var read = File.OpenRead(tarball);
            var sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false));
            artifact = new CaptureArtifact(tarball, baseName + ".tar.gz", sha, read.Length);
            message = $"{Message} after the capture was packaged; the artifact is delivered as it was";
        }
        else if (!Directory.Exists(directory))
        {
            File.Delete(tarball + ".partial");
            return null;
        }
        else
        {
            File.Delete(tarball + ".partial");
            var files = Directory.GetFiles(directory).Where(CaptureFileFormat.IsCaptureFile).Order(StringComparer.Ordinal).ToList();
            var packets = files.Sum(PcapRepair.Repair);
            var bytes = files.Sum(f => new FileInfo(f).Length);
            counters = new CaptureCounters(packets, 0, 0, 0, bytes);
            captureFiles = files.Select(Path.GetFileName).OfType<string>().ToList();
            message = $"{Message}; the partial capture ({packets} packets in {files.Count} file(s)) is kept";
            var startedAt = DateTimeOffset.ParseExact(baseName[^17..^3], "yyyyMMddHHmmss", null, System.Globalization.DateTimeStyles.AssumeUniversal);
            var packager = new CapturePackager(request, CaptureFilterBuilder.Build(request), [], [], redactor, time);
            artifact = await packager.PackageAsync(
                directory, baseName, files, counters, new CaptureTimings(startedAt, null, null), CaptureReasons.RuntimeRestarted, message, options.WorkDirectory, cancellationToken).ConfigureAwait(false);
        }

        var delivery = new CaptureDelivery(request, options, log, redactor, time, () => { });
        var (locations, errors) = await delivery.DeliverAsync(artifact, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            message += "; " + string.Join("; ", errors);
        }

        var keep = errors.Count > 0 || options.KeepLocalArtifacts || locations.Count == 0;
        if (!keep)
        {
            File.Delete(artifact.Path);
        }

        CaptureLog.Failed(log, request.Name, CaptureReasons.RuntimeRestarted, redactor.Redact(message));
        return new CaptureResult
        {
            Phase = CapturePhase.Failed,
            Reason = CaptureReasons.RuntimeRestarted,
            Message = redactor.Redact(message),
            Counters = counters,
            FinishedAt = time.GetUtcNow(),
            ArtifactPath = keep ? artifact.Path : null,
            ArtifactName = artifact.Name,
            Sha256 = artifact.Sha256,
            ArtifactBytes = artifact.Bytes,
            CaptureFiles = captureFiles,
            Artifacts = locations,
        };
    }

    [GeneratedRegex(@"^\d{14}UTC(\.tar\.gz(\.partial)?)?$")]
    private static partial Regex Stamp();
}
