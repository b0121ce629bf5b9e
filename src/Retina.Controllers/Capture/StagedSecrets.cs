namespace Retina.Controllers.Capture;

/// <summary>Names of the short-lived Secrets the controller copied into the runtime's namespace for one Capture.</summary>
public sealed record StagedSecrets(string? Blob, string? S3)
{
    public static StagedSecrets None { get; } = new(null, null);
}
