namespace Retina.Kube.Store;

/// <summary>
/// A YAML input we refuse: bad syntax, an alias cycle or expansion bomb, nesting past the depth limit, a document past
/// the size limit, binary content. The one error a YAML reader lets out, so callers fail the file, never the process.
/// </summary>
public sealed class YamlInputException : Exception
{
    public YamlInputException(string message)
        : base(message)
    {
    }

    public YamlInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public YamlInputException()
    {
    }
}
