using System.Text.RegularExpressions;

namespace Retina.CrdGen.Tests.Images;

/// <summary>A Dockerfile read as instructions (continuation lines joined, comments kept apart), enough for a lint.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<(string Keyword, string Arguments, string Comment)> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    /// <summary>Each instruction with the comment lines right above it.</summary>
    public IReadOnlyList<(string Keyword, string Arguments, string Comment)> Instructions { get; }

    /// <summary>The FROM instructions: image reference and stage name.</summary>
    public IReadOnlyList<(string Image, string? Stage)> Stages =>
    [
        .. Instructions.Where(i => i.Keyword == "FROM").Select(i => FromArguments().Match(i.Arguments))
            .Select(m => (m.Groups["image"].Value, m.Groups["stage"].Success ? m.Groups["stage"].Value : null)),
    ];

    /// <summary>The instructions of the last stage (what the image runs).</summary>
    public IReadOnlyList<(string Keyword, string Arguments, string Comment)> FinalStage =>
        [.. Instructions.Skip(Instructions.Select((i, n) => (i, n)).Last(x => x.i.Keyword == "FROM").n)];

    public static Dockerfile Read(string path)
    {
        var instructions = new List<(string, string, string)>();
        var comment = new List<string>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && line.StartsWith('#'))
            {
                comment.Add(line.TrimStart('#').Trim());
                continue;
            }

            if (line.Length == 0 && pending.Length == 0)
            {
                comment.Clear();
                continue;
            }

            pending += (pending.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (line.EndsWith('\\'))
            {
                continue;
            }

            var space = pending.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add((pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim(), string.Join(' ', comment)));
            pending = "";
            comment.Clear();
        }

        return new Dockerfile(path, instructions);
    }

    [GeneratedRegex(@"^(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromArguments();
}
