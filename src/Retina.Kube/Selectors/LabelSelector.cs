using Retina.Kube.Client;

namespace Retina.Kube.Selectors;

/// <summary>A parsed label selector in the API's string syntax: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>.</summary>
public sealed class LabelSelector
{
    private readonly List<Func<IDictionary<string, string>, bool>> requirements = [];

    private LabelSelector()
    {
    }

    public static LabelSelector Everything { get; } = new();

    public bool IsEmpty => requirements.Count == 0;

    public bool Matches(IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        foreach (var requirement in requirements)
        {
            if (!requirement(labels))
            {
                return false;
            }
        }

        return true;
    }

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            selector.requirements.Add(ParseTerm(term));
        }

        return selector;
    }

    private static Func<IDictionary<string, string>, bool> ParseTerm(string term)
    {
        var inIndex = IndexOfWord(term, " notin ");
        if (inIndex > 0)
        {
            var key = term[..inIndex].Trim();
            var values = ParseSet(term[(inIndex + 7)..]);
            return l => !l.TryGetValue(key, out var v) || !values.Contains(v);
        }

        inIndex = IndexOfWord(term, " in ");
        if (inIndex > 0)
        {
            var key = term[..inIndex].Trim();
            var values = ParseSet(term[(inIndex + 4)..]);
            return l => l.TryGetValue(key, out var v) && values.Contains(v);
        }

        var ne = term.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            var key = term[..ne].Trim();
            var value = term[(ne + 2)..].Trim();
            return l => !l.TryGetValue(key, out var v) || v != value;
        }

        var eq = term.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            var key = term[..eq].Trim();
            var value = term[(eq + 1)..].TrimStart('=').Trim();
            return l => l.TryGetValue(key, out var v) && v == value;
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return l => !l.ContainsKey(key);
        }

        if (term.Contains(' ', StringComparison.Ordinal) || term.Contains('(', StringComparison.Ordinal))
        {
            throw KubeApiException.BadRequest($"unable to parse label selector term \"{term}\"");
        }

        return l => l.ContainsKey(term);
    }

    private static int IndexOfWord(string term, string word) => term.IndexOf(word, StringComparison.Ordinal);

    private static HashSet<string> ParseSet(string text)
    {
        text = text.Trim();
        if (!text.StartsWith('(') || !text.EndsWith(')'))
        {
            throw KubeApiException.BadRequest($"unable to parse label selector set \"{text}\"");
        }

        return text[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
