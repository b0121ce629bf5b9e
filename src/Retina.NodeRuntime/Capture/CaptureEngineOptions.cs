using Amazon.S3;
using Azure.Storage.Blobs;
using Retina.NodeRuntime.Capture.Outputs;

namespace Retina.NodeRuntime.Capture;

/// <summary>Node-wide settings of the capture engine.</summary>
public sealed record CaptureEngineOptions
{
    /// <summary>Where live capture files and tarballs are written before delivery (e.g. <c>/var/lib/retina/captures</c>).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Every hostPath output lands under this directory.</summary>
    public string HostPathBaseDirectory { get; init; } = "/var/log/retina/captures";

    /// <summary>Shared by every capture on the node.</summary>
    public DiskBudget DiskBudget { get; init; } = DiskBudget.Unlimited;

    /// <summary>Kernel ring memory shared by every capture on the node (and the flight recorder's share).</summary>
    public CaptureMemoryBudget MemoryBudget { get; init; } = CaptureMemoryBudget.Unlimited;

    public int RingBufferBytesPerInterface { get; init; } = 4 * 1024 * 1024;

    /// <summary>Upper bound on the time a packet waits in a half-full ring block.</summary>
    public int RingBlockTimeoutMilliseconds { get; init; } = 10;

    /// <summary>Keep the local tarball after every output has a verified copy (it is always kept when an output failed).</summary>
    public bool KeepLocalArtifacts { get; init; }

    public OutputRetryOptions UploadRetry { get; init; } = new();

    /// <summary>Lets a deployment (or a test against an emulator) pin the Blob service version and transport settings.</summary>
    public Func<BlobClientOptions>? BlobClientOptionsFactory { get; init; }

    public Action<AmazonS3Config>? ConfigureS3 { get; init; }

    /// <summary>Where blob and S3 uploads may use plain http (emulators); everywhere else https only.</summary>
    public PlainHttpPolicy PlainHttp { get; init; } = PlainHttpPolicy.HttpsOnly;

    /// <summary>The node's flight recorder, used by captures with <see cref="CaptureRequest.PreTriggerSeconds"/> in the same network namespace.</summary>
    public FlightRecorder? FlightRecorder { get; init; }

    /// <summary>The node's flight recorder as NodeRuntime.spec.flightRecorder turns it on and off; its recorder is used when running.</summary>
    public FlightRecorderControl? FlightRecorderControl { get; init; }
}
