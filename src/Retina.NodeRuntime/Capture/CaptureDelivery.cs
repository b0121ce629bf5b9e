using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Delivers an artifact to each output in turn, retrying passing failures with exponential backoff. Captures deliver
/// their tarball through it; traces deliver each closed <c>.jsonl.gz</c> file through it (Trace/TraceUploader), so
/// both follow the same retry rules and redact the same way.
/// </summary>
internal sealed class CaptureDelivery(
    string name, IReadOnlyList<ICaptureOutput> outputs, OutputRetryOptions retry, ILogger log, SecretRedactor redactor, TimeProvider time, Action onAttemptFailed)
{
    public CaptureDelivery(CaptureRequest request, CaptureEngineOptions options, ILogger log, SecretRedactor redactor, TimeProvider time, Action onAttemptFailed)
        : this(request.Name, OutputsOf(request, options), options.UploadRetry, log, redactor, time, onAttemptFailed)
    {
    }

    public IReadOnlyList<ICaptureOutput> Outputs() => outputs;

    private static List<ICaptureOutput> OutputsOf(CaptureRequest request, CaptureEngineOptions options)
    {
        var list = new List<ICaptureOutput>();
        if (request.HostPath is { } h)
        {
            list.Add(new HostPathOutput(options.HostPathBaseDirectory, h.RelativePath));
        }

        list.AddRange(RemoteOutputs(request.Blob, request.S3, options.BlobClientOptionsFactory, options.ConfigureS3, options.PlainHttp));
        return list;
    }

    /// <summary>The Blob and S3 outputs for these targets, with the node's transport settings (service version, plain-http policy).</summary>
    public static List<ICaptureOutput> RemoteOutputs(BlobOutputTarget? blob, S3OutputTarget? s3,
        Func<Azure.Storage.Blobs.BlobClientOptions>? blobOptions, Action<Amazon.S3.AmazonS3Config>? configureS3, PlainHttpPolicy plainHttp)
    {
        var list = new List<ICaptureOutput>();
        if (blob is not null)
        {
            list.Add(new BlobOutput(blob, blobOptions, plainHttp));
        }

        if (s3 is not null)
        {
            list.Add(new S3Output(s3, configureS3, plainHttp));
        }

        return list;
    }

    public async Task<(IReadOnlyList<CaptureArtifactLocation> Locations, IReadOnlyList<string> Errors)> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        var locations = new List<CaptureArtifactLocation>();
        var errors = new List<string>();
        foreach (var output in outputs)
        {
            var attempt = 0;
            var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, retry.MaxAttempts - 1),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = retry.BaseDelay,
                    MaxDelay = retry.MaxDelay,
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e =>
                        e is not OutputPermanentException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested)),
                    OnRetry = args =>
                    {
                        onAttemptFailed();
                        CaptureLog.AttemptFailed(log, name, output.Kind, args.AttemptNumber + 1, redactor.Redact(FirstLine(args.Outcome.Exception?.Message ?? "")));
                        return default;
                    },
                })
                .AddTimeout(retry.AttemptTimeout)
                .Build();
            try
            {
                var location = await pipeline.ExecuteAsync(
                    async ct =>
                    {
                        attempt++;
                        return await output.DeliverAsync(artifact, ct).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
                locations.Add(location);
                CaptureLog.Delivered(log, name, output.Kind, location.Location);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                onAttemptFailed();
                var why = e is TimeoutRejectedException ? "an attempt timed out" : FirstLine(e.Message);
                errors.Add(redactor.Redact($"{output.Kind} upload failed after {attempt} attempt(s): {why}"));
            }
        }

        return (locations, errors);
    }

    // Storage SDK messages go on to dump headers and bodies: status wants the first line.
    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
