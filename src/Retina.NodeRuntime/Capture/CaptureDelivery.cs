using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Capture;

/// <summary>Delivers a tarball to each output of a request in turn, retrying passing failures with exponential backoff.</summary>
internal sealed class CaptureDelivery(
    CaptureRequest request, CaptureEngineOptions options, ILogger log, SecretRedactor redactor, TimeProvider time, Action onAttemptFailed)
{
    public IReadOnlyList<ICaptureOutput> Outputs()
    {
        var outputs = new List<ICaptureOutput>();
        if (request.HostPath is { } h)
        {
            outputs.Add(new HostPathOutput(options.HostPathBaseDirectory, h.RelativePath));
        }

        if (request.Blob is { } b)
        {
            outputs.Add(new BlobOutput(b, options.BlobClientOptionsFactory, options.PlainHttp));
        }

        if (request.S3 is { } s)
        {
            outputs.Add(new S3Output(s, options.ConfigureS3, options.PlainHttp));
        }

        return outputs;
    }

    public async Task<(IReadOnlyList<CaptureArtifactLocation> Locations, IReadOnlyList<string> Errors)> DeliverAsync(CaptureArtifact artifact, CancellationToken cancellationToken)
    {
        var locations = new List<CaptureArtifactLocation>();
        var errors = new List<string>();
        foreach (var output in Outputs())
        {
            var attempt = 0;
            var retry = options.UploadRetry;
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
                        CaptureLog.AttemptFailed(log, request.Name, output.Kind, args.AttemptNumber + 1, redactor.Redact(FirstLine(args.Outcome.Exception?.Message ?? "")));
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
                CaptureLog.Delivered(log, request.Name, output.Kind, location.Location);
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
