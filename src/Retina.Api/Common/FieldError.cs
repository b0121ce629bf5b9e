namespace Retina.Api.Common;

/// <summary>One problem with an object, at a field path such as <c>spec.captureConfiguration.captureOption.duration</c>.</summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
