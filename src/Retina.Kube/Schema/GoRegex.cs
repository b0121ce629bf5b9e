using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Retina.Kube.Schema;

/// <summary>
/// A CRD <c>pattern</c> is a Go (RE2) regular expression; NJsonSchema runs .NET's. In the syntax both accept, their
/// meanings still differ in three places, which <see cref="ToDotNet"/> rewrites so the fake matches what a real
/// server matches:
/// <list type="bullet">
/// <item><c>$</c> (no multi-line flag): Go, end of text only; .NET, also before a final <c>\n</c> (so <c>^[a-z]+$</c>
/// accepts "abc\n" in .NET): rewritten to <c>\z</c>.</item>
/// <item><c>\d</c>, <c>\w</c>, <c>\s</c>: ASCII in Go, Unicode in .NET (.NET's <c>\d</c> matches "٣", its <c>\s</c> matches
/// a no-break space, which Go's <c>\S</c> accepts): rewritten to the ASCII classes.</item>
/// <item><c>\b</c>, <c>\B</c>: ASCII word boundaries in Go, Unicode in .NET: not rewritten, outside the common subset.</item>
/// </list>
/// What only one of them accepts is outside the common subset (<see cref="OutsideCommonSubset"/>): lookarounds,
/// backreferences, atomic groups, possessive quantifiers, conditionals, <c>\Z</c>, <c>\G</c>, .NET's
/// <c>(?&lt;name&gt;…)</c> before Go 1.22 and Go's <c>(?P&lt;name&gt;…)</c>, and Go's <c>\Q…\E</c>.
/// </summary>
public static class GoRegex
{
    private static readonly ConcurrentDictionary<string, string> Originals = new(StringComparer.Ordinal);

    private static readonly (string Token, string Why)[] Forbidden =
    [
        ("(?=", "lookahead (not in RE2)"),
        ("(?!", "negative lookahead (not in RE2)"),
        ("(?<=", "lookbehind (not in RE2)"),
        ("(?<!", "negative lookbehind (not in RE2)"),
        ("(?>", "atomic group (not in RE2)"),
        ("(?(", "conditional (not in RE2)"),
        ("(?<", "named group: RE2 before Go 1.22 knows only (?P<name>)"),
        ("(?P<", "named group: .NET does not know (?P<name>)"),
        ("(?#", "inline comment (not in RE2)"),
        (@"\k", "named backreference (not in RE2)"),
        (@"\Z", @"\Z (not in RE2; .NET's also matches before a final newline)"),
        (@"\G", @"\G (not in RE2)"),
        (@"\Q", @"\Q…\E quoting (not in .NET)"),
        (@"\b", @"\b is Unicode in .NET and ASCII in RE2"),
        (@"\B", @"\B is Unicode in .NET and ASCII in RE2"),
        ("*+", "possessive quantifier (not in RE2 or .NET)"),
        ("++", "possessive quantifier (not in RE2 or .NET)"),
        ("?+", "possessive quantifier (not in RE2 or .NET)"),
        ("}+", "possessive quantifier (not in RE2 or .NET)"),
    ];

    /// <summary>Why <paramref name="pattern"/> may mean different things (or not compile) in Go and .NET; empty if it is in the common subset.</summary>
    public static IReadOnlyList<string> OutsideCommonSubset(string pattern)
    {
        var problems = new List<string>();
        var unescaped = StripEscapedBackslashes(pattern);
        foreach (var (token, why) in Forbidden)
        {
            if (unescaped.Contains(token, StringComparison.Ordinal))
            {
                problems.Add($"{token}: {why}");
            }
        }

        for (var i = 0; i + 1 < unescaped.Length; i++)
        {
            if (unescaped[i] == '\\' && unescaped[i + 1] is >= '1' and <= '9')
            {
                problems.Add($"\\{unescaped[i + 1]}: backreference (not in RE2)");
            }
        }

        if (InClassNegatedShorthand(pattern) is { } shorthand)
        {
            problems.Add($"{shorthand} inside [...]: no ASCII rewrite for a negated class inside a class");
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(ToDotNet(pattern));
        }
        catch (ArgumentException e)
        {
            problems.Add(".NET cannot compile it: " + e.Message);
        }

        return problems;
    }

    /// <summary>The .NET pattern that matches what Go's <paramref name="pattern"/> matches (for the common subset).</summary>
    public static string ToDotNet(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[++i];
                sb.Append((inClass, n) switch
                {
                    (false, 'd') => "[0-9]",
                    (false, 'D') => "[^0-9]",
                    (false, 's') => @"[\t\n\f\r ]",
                    (false, 'S') => @"[^\t\n\f\r ]",
                    (false, 'w') => "[0-9A-Za-z_]",
                    (false, 'W') => "[^0-9A-Za-z_]",
                    (true, 'd') => "0-9",
                    (true, 's') => @"\t\n\f\r ",
                    (true, 'w') => "0-9A-Za-z_",
                    _ => "\\" + n,
                });
                continue;
            }

            if (inClass)
            {
                inClass = c != ']' || sb[^1] == '[' || (sb.Length >= 2 && sb[^1] == '^' && sb[^2] == '[');
                sb.Append(c);
            }
            else if (c == '[')
            {
                inClass = true;
                sb.Append(c);
            }
            else
            {
                sb.Append(c == '$' ? @"\z" : c.ToString());
            }
        }

        var result = sb.ToString();
        Originals.TryAdd(result, pattern);
        return result;
    }

    /// <summary>The pattern as written in the CRD, for messages (the server prints the one it was given).</summary>
    public static string Original(string? dotNetPattern) =>
        dotNetPattern is null ? "" : Originals.TryGetValue(dotNetPattern, out var p) ? p : dotNetPattern;

    /// <summary>Rewrites every <c>pattern</c> in a schema tree to its .NET equivalent, in place.</summary>
    public static void RewritePatterns(JsonNode? schema)
    {
        switch (schema)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "pattern" && value is JsonValue v && v.TryGetValue<string>(out var p))
                    {
                        obj["pattern"] = ToDotNet(p);
                    }
                    else if (name is not ("enum" or "default" or "example"))
                    {
                        RewritePatterns(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RewritePatterns(item);
                }

                break;
        }
    }

    private static string StripEscapedBackslashes(string pattern) => pattern.Replace(@"\\", "", StringComparison.Ordinal);

    private static string? InClassNegatedShorthand(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[++i];
                if (inClass && n is 'D' or 'S' or 'W')
                {
                    return "\\" + n;
                }

                continue;
            }

            if (c == '[' && !inClass)
            {
                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                inClass = false;
            }
        }

        return null;
    }
}
