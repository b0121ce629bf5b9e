using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>Turns a finished capture's files into <c>&lt;capture&gt;-&lt;node&gt;-&lt;time&gt;UTC.tar.gz</c> with capture.json and the metadata bundle.</summary>
internal sealed class CapturePackager(
    CaptureRequest request, string filter, IReadOnlyList<CaptureInterface> interfaces, IReadOnlyList<string> notes, SecretRedactor redactor, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Where the flight recorder's packets end and the live ones begin (captures with preTriggerSeconds).</summary>
    public PreTriggerSeam? Seam { get; init; }

    public async Task<CaptureArtifact> PackageAsync(
        string workDirectory, string baseName, IReadOnlyList<string> captureFiles, CaptureCounters counters, CaptureTimings timings,
        string reason, string message, string outputDirectory, CancellationToken cancellationToken)
    {
        var allNotes = notes.ToList();

        // Only regular files go into the tarball: a capture file replaced by a link (or anything else) is left out and said so.
        foreach (var replaced in captureFiles.Where(f => !HostPathConfinement.IsRegularFile(f)))
        {
            allNotes.Add($"capture file {Path.GetFileName(replaced)} left out: it is no longer a regular file (a symbolic link?)");
        }

        captureFiles = captureFiles.Where(HostPathConfinement.IsRegularFile).ToList();
        var metadataDirectory = Path.Combine(workDirectory, "metadata");
        if (request.IncludeMetadata && request.MetadataScope == CaptureMetadataScope.Node)
        {
            allNotes.AddRange(await NetworkNamespace.RunAsync(
                request.NetworkNamespacePath, () => CaptureMetadataCollector.Collect(metadataDirectory), "capture-metadata").WaitAsync(cancellationToken).ConfigureAwait(false));
        }
        else if (request.IncludeMetadata)
        {
            allNotes.AddRange(await PodMetadataCollector.CollectAsync(request.PodIPs, request.PodNetworkNamespaceDirectory, metadataDirectory).WaitAsync(cancellationToken).ConfigureAwait(false));
        }

        var manifestPath = Path.Combine(workDirectory, "capture.json");
        await File.WriteAllTextAsync(manifestPath, redactor.Redact(Manifest(captureFiles, counters, timings, reason, message, allNotes)), cancellationToken).ConfigureAwait(false);
        var logPath = Path.Combine(workDirectory, "capture.log");
        await File.WriteAllTextAsync(logPath, redactor.Redact(CaptureLogText.Format(request, filter, interfaces, captureFiles, counters, timings, reason, message, allNotes)), cancellationToken).ConfigureAwait(false);

        var name = baseName + ".tar.gz";
        var path = Path.Combine(outputDirectory, name);
        var partial = path + ".partial";
        File.Delete(partial); // never write through a leftover link: CreateNew below does not follow one
        await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            await using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
            await tar.WriteEntryAsync(manifestPath, "capture.json", cancellationToken).ConfigureAwait(false);
            await tar.WriteEntryAsync(logPath, "capture.log", cancellationToken).ConfigureAwait(false);
            foreach (var f in captureFiles)
            {
                await tar.WriteEntryAsync(f, Path.GetFileName(f), cancellationToken).ConfigureAwait(false);
            }

            if (Directory.Exists(metadataDirectory))
            {
                foreach (var f in Directory.EnumerateFiles(metadataDirectory, "*", SearchOption.AllDirectories).Where(HostPathConfinement.IsRegularFile).Order(StringComparer.Ordinal))
                {
                    await tar.WriteEntryAsync(f, Path.GetRelativePath(metadataDirectory, f), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        File.Move(partial, path, overwrite: true);
        string sha;
        await using (var read = File.OpenRead(path))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false));
        }

        Directory.Delete(workDirectory, recursive: true);
        return new CaptureArtifact(path, name, sha, new FileInfo(path).Length);
    }

    private string Manifest(IReadOnlyList<string> files, CaptureCounters counters, CaptureTimings timings, string reason, string message, IReadOnlyList<string> allNotes)
    {
        var manifest = new
        {
            capture = new { request.Namespace, request.Name, request.Uid },
            node = new { name = request.NodeName, kernel = Read("/proc/sys/kernel/osrelease"), hostname = Environment.MachineName, networkNamespace = request.NetworkNamespacePath },
            spec = new
            {
                request.Interfaces,
                request.PcapFilter,
                request.SourceIPs,
                request.DestinationIPs,
                filters = new { include = request.IncludeFilters, exclude = request.ExcludeFilters },
                request.PodIPs,
                duration = request.Duration?.ToString(),
                maxCaptureSizeBytes = request.MaxCaptureSizeBytes,
                request.MaxPackets,
                request.PacketSize,
                request.FileCount,
                request.OutputFormat,
                request.NoPromiscuous,
                request.IncludeMetadata,
                metadataScope = request.IncludeMetadata ? request.MetadataScope.ToString() : null,
                request.PreTriggerSeconds,
                outputs = new
                {
                    hostPath = request.HostPath?.RelativePath,
                    blob = request.Blob is null ? null : request.Blob.RedactedUrl,
                    s3 = request.S3 is null ? null : new { request.S3.Bucket, request.S3.Region, request.S3.Endpoint, request.S3.Path },
                },
            },
            compiledFilter = filter,
            interfaces = interfaces.Select(i => new { i.Name, ifIndex = i.IfIndex, linkType = i.LinkType.ToString() }),
            captureFiles = files.Select(Path.GetFileName),
            counters,
            timings = new
            {
                timings.StartedAt,
                timings.FirstPacketAt,
                timings.StoppedAt,
                packagedAt = time.GetUtcNow(),
                durationSeconds = timings.StoppedAt is { } s ? (s - timings.StartedAt).TotalSeconds : (double?)null,
            },
            stop = new { reason, message },
            preTrigger = Seam,
            notes = allNotes,
        };
        return JsonSerializer.Serialize(manifest, Json);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
