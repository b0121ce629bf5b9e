using Amazon.S3;
using Azure.Storage.Blobs;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Trace;

/// <summary>How a trace's files reach Blob and S3: the capture engine's settings, so both follow one set of rules.</summary>
public sealed record TraceUploadOptions
{
    public OutputRetryOptions UploadRetry { get; init; } = new();

    public Func<BlobClientOptions>? BlobClientOptionsFactory { get; init; }

    public Action<AmazonS3Config>? ConfigureS3 { get; init; }

    public PlainHttpPolicy PlainHttp { get; init; } = PlainHttpPolicy.HttpsOnly;

    /// <summary>The capture engine's upload settings.</summary>
    public static TraceUploadOptions From(CaptureEngineOptions o) => new()
    {
        UploadRetry = o.UploadRetry,
        BlobClientOptionsFactory = o.BlobClientOptionsFactory,
        ConfigureS3 = o.ConfigureS3,
        PlainHttp = o.PlainHttp,
    };
}
