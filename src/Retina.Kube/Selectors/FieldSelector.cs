using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Kube.Json;

namespace Retina.Kube.Selectors;

/// <summary>A parsed field selector (<c>spec.nodeName=n1,metadata.name!=x</c>) evaluated against an object's JSON.</summary>
public sealed class FieldSelector
{
    private readonly List<(string Path, string Value, bool Equal)> terms = [];

    private FieldSelector()
    {
    }

    public static FieldSelector Everything { get; } = new();

    public IReadOnlyList<(string Path, string Value, bool Equal)> Terms => terms;

    public static FieldSelector Parse(string? text)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            var ne = term.IndexOf("!=", StringComparison.Ordinal);
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            if (ne > 0)
            {
                selector.terms.Add((term[..ne].Trim(), term[(ne + 2)..].Trim(), false));
            }
            else if (eq > 0)
            {
                selector.terms.Add((term[..eq].Trim(), term[(eq + 1)..].TrimStart('=').Trim(), true));
            }
            else
            {
                throw KubeApiException.BadRequest($"invalid field selector term \"{term}\"");
            }
        }

        return selector;
    }

    public bool Matches(JsonNode obj)
    {
        foreach (var (path, value, equal) in terms)
        {
            var actual = KubeJson.SelectString(obj, path) ?? "";
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
