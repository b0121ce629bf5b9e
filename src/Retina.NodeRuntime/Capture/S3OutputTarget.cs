using System.Text;

namespace Retina.NodeRuntime.Capture;

/// <summary>An S3 (or S3-compatible) destination; the keys are credentials and are never printed.</summary>
public sealed record S3OutputTarget
{
    public required string Bucket { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>For S3-compatible servers, e.g. <c>http://127.0.0.1:9000</c>; null uses AWS.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Key prefix the artifact goes under.</summary>
    public string? Path { get; init; }

    public required string AccessKeyId { get; init; }

    public required string SecretAccessKey { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Bucket = {Bucket}, Region = {Region}, Endpoint = {Endpoint}, Path = {Path}, AccessKeyId = [REDACTED], SecretAccessKey = [REDACTED]");
        return true;
    }
}
