using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;
using ApiArtifact = Retina.Api.Capture.CaptureArtifact;

namespace Retina.NodeRuntime.Trace;

/// <summary>
/// Delivers a trace's closed <c>.jsonl.gz</c> files to its Blob and S3 outputs, one file at a time in the order they
/// closed, through <see cref="CaptureDelivery"/> (the captures' retry, verification and redaction rules). The
/// credentials are fetched from the controllers when the first file is ready (and again after a refusal); they stay in
/// memory only. A file delivered to every output is deleted from the node when the trace has no hostPath (it was only
/// staged); one that failed stays, and the failure (redacted) is reported.
/// </summary>
internal sealed partial class TraceUploader : IDisposable
{
    private const int MaxReported = 64;
    private readonly NodeTraceAssignment assignment;
    private readonly TraceRunnerOptions options;
    private readonly string node;
    private readonly bool keepLocal;
    private readonly ILogger log;
    private readonly Action changed;
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly List<ApiArtifact> delivered = [];
    private readonly Task worker;
    private int pending;
    private long uploaded;
    private long failed;
    private string? lastError;
    private (List<ICaptureOutput> Outputs, SecretRedactor Redactor)? targets;

    public TraceUploader(NodeTraceAssignment assignment, TraceRunnerOptions options, bool keepLocal, ILogger log, Action changed, IReadOnlyList<ApiArtifact>? earlier)
    {
        this.assignment = assignment;
        this.options = options;
        this.keepLocal = keepLocal;
        this.log = log;
        this.changed = changed;
        node = options.NodeName;
        delivered.AddRange(earlier?.Where(a => a.Output is "blobUpload" or "s3Upload") ?? []);
        worker = Task.Run(RunAsync);
    }

    /// <summary>Whether the assignment has a Blob or S3 output.</summary>
    public static bool Needed(NodeTraceAssignment a) => a.BlobSecret is { Length: > 0 } || a.S3 is not null;

    /// <summary>Files waiting or being delivered.</summary>
    public int Pending => Volatile.Read(ref pending);

    public long Uploaded => Interlocked.Read(ref uploaded);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>The last delivery problem, redacted.</summary>
    public string? LastError
    {
        get
        {
            lock (gate)
            {
                return lastError;
            }
        }
    }

    /// <summary>Where files went (newest last, at most 64).</summary>
    public List<ApiArtifact> Delivered
    {
        get
        {
            lock (gate)
            {
                return [.. delivered.TakeLast(MaxReported)];
            }
        }
    }

    /// <summary>Whether an earlier run of this trace delivered <paramref name="fileName"/> already (so it is not queued again).</summary>
    public bool WasDelivered(string fileName)
    {
        lock (gate)
        {
            return delivered.Any(a => a.Location.EndsWith("/" + fileName, StringComparison.Ordinal));
        }
    }

    /// <summary>A file that is closed for good: delivered in turn.</summary>
    public void Enqueue(string path)
    {
        Interlocked.Increment(ref pending);
        if (!queue.Writer.TryWrite(path))
        {
            Interlocked.Decrement(ref pending);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var path in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await DeliverAsync(path, stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref pending);
                    changed();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(string path, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            Fail($"{name} was deleted on the node (fileCount rotation) before it could be uploaded");
            return;
        }

        if (targets is null)
        {
            var problem = await FetchTargetsAsync(ct).ConfigureAwait(false);
            if (problem is not null)
            {
                Fail($"{name} not uploaded: credentials: {problem}");
                return;
            }
        }

        var (outputs, redactor) = targets!.Value;
        string sha;
        long bytes;
        await using (var read = File.OpenRead(path))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct).ConfigureAwait(false));
            bytes = read.Length;
        }

        var delivery = new CaptureDelivery($"{assignment.Namespace}/{assignment.Name}", outputs, options.Uploads.UploadRetry, log, redactor, options.Time, () => { });
        var (locations, errors) = await delivery.DeliverAsync(new CaptureArtifact(path, name, sha, bytes), ct).ConfigureAwait(false);
        lock (gate)
        {
            foreach (var l in locations)
            {
                delivered.Add(new ApiArtifact { Node = node, Output = Agent.AssignmentRequests.OutputName(l.Kind), Location = l.Location, SizeBytes = bytes, Sha256 = sha });
            }

            if (delivered.Count > 4 * MaxReported)
            {
                delivered.RemoveRange(0, delivered.Count - MaxReported);
            }
        }

        if (errors.Count > 0)
        {
            Fail($"{name}: {string.Join("; ", errors)}");
            return;
        }

        Interlocked.Increment(ref uploaded);
        if (!keepLocal)
        {
            File.Delete(path);
        }
    }

    /// <summary>Builds the outputs from the controllers' answer, or says why it cannot (a refusal is asked again for the next file).</summary>
    private async Task<string?> FetchTargetsAsync(CancellationToken ct)
    {
        if (options.Credentials is not { } source)
        {
            return "this node runtime has no credential source";
        }

        var fetched = await source.FetchAsync(assignment, ct).ConfigureAwait(false);
        if (fetched.Values is not { } v)
        {
            return fetched.Problem;
        }

        var staged = new Agent.AssignmentRequests.Credentials(v.BlobUploadUrl, v.S3AccessKeyId, v.S3SecretAccessKey);
        var blob = assignment.BlobSecret is { Length: > 0 } ? Agent.AssignmentRequests.BlobTarget(staged) : null;
        var s3 = Agent.AssignmentRequests.S3Target(assignment.S3, staged);
        if ((blob is null && assignment.BlobSecret is { Length: > 0 }) || (s3 is null && assignment.S3 is not null))
        {
            return "the controllers' answer lacks a value this trace's outputs need";
        }
        var u = options.Uploads;
        targets = (CaptureDelivery.RemoteOutputs(blob, s3, u.BlobClientOptionsFactory, u.ConfigureS3, u.PlainHttp), SecretRedactor.For(blob, s3));
        return null;
    }

    private void Fail(string message)
    {
        var redacted = targets?.Redactor.Redact(message) ?? message;
        Interlocked.Increment(ref failed);
        lock (gate)
        {
            lastError = redacted;
        }

        LogFailed(log, assignment.Key, redacted);
    }

    /// <summary>Stops delivering (the trace was withdrawn or the runtime stops); what is left stays on the node.</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        stop.Cancel();
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Trace {Key}: upload failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string key, string reason);
}
