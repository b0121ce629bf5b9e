namespace Retina.Api.Common;

/// <summary>Every problem found with an object; validators collect them all before reporting.</summary>
public sealed class ValidationReport
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;

    public bool IsValid => errors.Count == 0;

    public void Add(string path, string message) => errors.Add(new FieldError(path, message));

    /// <summary>All problems in one line, for a condition message: <c>path: message; path: message</c>.</summary>
    public string Summary(int max = 10)
    {
        var shown = string.Join("; ", errors.Take(max));
        return errors.Count > max ? $"{shown}; and {errors.Count - max} more" : shown;
    }
}
