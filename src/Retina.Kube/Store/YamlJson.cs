using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Retina.Kube.Store;

/// <summary>
/// YAML (multi-document) to JSON trees and back, with YAML's plain-scalar typing (null, booleans, numbers). The one
/// YAML reader of local mode's directory and state files. It reads parser events with an explicit stack (no recursion,
/// so no stack overflow whatever the nesting) and expands aliases itself, against <see cref="YamlLimits"/>: an alias to
/// an unfinished node (a cycle), an expansion past the node or character budget, nesting past the depth limit, an
/// oversized or non-UTF-8 input each end as one <see cref="YamlInputException"/>.
/// </summary>
public static class YamlJson
{
    /// <summary>
    /// Writes anything the reader accepts: YamlDotNet's serializer stops at 50 nested levels by default, the reader allows
    /// <see cref="YamlLimits.MaxDepth"/> (the fuzz test found a 60-deep list that read and then failed to write).
    /// </summary>
    private static readonly ISerializer Serializer = Yaml11SafeScalars.Apply(new SerializerBuilder().WithQuotingNecessaryStrings()
        .WithMaximumRecursion(2 * YamlLimits.Default.MaxDepth)).Build();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every mapping document of the text; empty documents are skipped. Throws <see cref="YamlInputException"/> only.</summary>
    public static List<JsonObject> ParseAll(string yaml, YamlLimits? limits = null)
    {
        limits ??= YamlLimits.Default;
        if (yaml.Length > limits.MaxBytes || (yaml.Length * 3L > limits.MaxBytes && Encoding.UTF8.GetByteCount(yaml) > limits.MaxBytes))
        {
            throw new YamlInputException($"document is larger than {limits.MaxBytes} bytes");
        }

        if (yaml.Contains('\0', StringComparison.Ordinal))
        {
            throw new YamlInputException("binary content (a NUL character): not YAML text");
        }

        if (!IsWellFormed(yaml))
        {
            throw new YamlInputException("binary content (an unpaired UTF-16 surrogate): not text");
        }

        try
        {
            return new Reader(limits).ReadAll(new Parser(new StringReader(yaml)));
        }
        catch (YamlException e)
        {
            throw new YamlInputException(e.Message, e);
        }
    }

    /// <summary>Reads a file with the size checked before reading and its bytes checked as UTF-8 text.</summary>
    public static List<JsonObject> ParseFile(string path, YamlLimits? limits = null)
    {
        limits ??= YamlLimits.Default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > limits.MaxBytes)
        {
            throw new YamlInputException($"file is {stream.Length} bytes, larger than the limit of {limits.MaxBytes}");
        }

        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new YamlInputException($"binary content: not UTF-8 text (byte {e.Index})", e);
        }

        return ParseAll(text.StartsWith('\uFEFF') ? text[1..] : text, limits);
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static string Write(JsonNode node) => Serializer.Serialize(ToPlain(node));

    /// <summary>One input's reading state: the open collections, the anchors of the current document, the budgets spent.</summary>
    private sealed class Reader(YamlLimits limits)
    {
        private readonly Stack<Frame> open = new();
        private readonly Dictionary<string, Anchored> anchors = new(StringComparer.Ordinal);
        private long nodes;
        private long chars;

        public List<JsonObject> ReadAll(IParser parser)
        {
            var documents = new List<JsonObject>();
            JsonNode? root = null;
            var hasRoot = false;
            while (Next(parser))
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        anchors.Clear();
                        root = null;
                        hasRoot = false;
                        break;
                    case DocumentEnd:
                        if (hasRoot && root is JsonObject o)
                        {
                            documents.Add(o);
                        }

                        break;
                    case Scalar s:
                        Spend(1, s.Value.Length, s.Start);
                        var value = ToJson(s);
                        Remember(s.Anchor, value, 1, s.Value.Length, s.Value);
                        Add(value, s.Value, s.Start, ref root, ref hasRoot);
                        break;
                    case AnchorAlias a:
                        if (!anchors.TryGetValue(a.Value.Value, out var target))
                        {
                            throw new YamlInputException($"{At(a.Start)}: alias *{a.Value.Value} refers to no finished anchor (undefined, or a node that contains the alias: a cycle)");
                        }

                        Spend(target.Nodes, target.Chars, a.Start);
                        Add(target.Node?.DeepClone(), target.Scalar, a.Start, ref root, ref hasRoot);
                        break;
                    case MappingStart m:
                        Open(m, new JsonObject(), m.Anchor);
                        break;
                    case SequenceStart q:
                        Open(q, new JsonArray(), q.Anchor);
                        break;
                    case MappingEnd or SequenceEnd:
                        var frame = open.Pop();
                        Remember(frame.Anchor, frame.Node, nodes - frame.NodesBefore, chars - frame.CharsBefore, null);
                        Add(frame.Node, null, frame.Start, ref root, ref hasRoot);
                        break;
                }
            }

            return documents;
        }

        /// <summary>
        /// YamlDotNet 18.1's scanner throws more than <see cref="YamlException"/> on some broken inputs (the fuzz test
        /// found <see cref="InvalidOperationException"/> from <c>ScanPlainScalar</c> after a stray control character):
        /// whatever the parser throws is about this input, so it becomes the input's error. Our own code is outside.
        /// </summary>
        private static bool Next(IParser parser)
        {
            try
            {
                return parser.MoveNext();
            }
            catch (YamlException)
            {
                throw;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
            {
                throw new YamlInputException($"unreadable YAML ({e.GetType().Name}: {e.Message})", e);
            }
        }

        private void Open(ParsingEvent e, JsonNode node, AnchorName anchor)
        {
            if (open.TryPeek(out var parent) && parent.Node is JsonObject && parent.Key is null)
            {
                throw new YamlInputException($"{At(e.Start)}: a mapping key must be a scalar");
            }

            if (open.Count >= limits.MaxDepth)
            {
                throw new YamlInputException($"{At(e.Start)}: nested deeper than {limits.MaxDepth} levels");
            }

            Spend(1, 0, e.Start);
            open.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value, nodes - 1, chars, e.Start));
        }

        private void Add(JsonNode? value, string? scalarText, Mark at, ref JsonNode? root, ref bool hasRoot)
        {
            if (!open.TryPeek(out var frame))
            {
                root = value;
                hasRoot = true;
                return;
            }

            switch (frame.Node)
            {
                case JsonArray array:
                    array.Add(value);
                    break;
                case JsonObject when frame.Key is null:
                    frame.Key = scalarText ?? throw new YamlInputException($"{At(at)}: a mapping key must be a scalar");
                    break;
                case JsonObject map:
                    if (!map.TryAdd(frame.Key, value))
                    {
                        throw new YamlInputException($"{At(at)}: mapping key \"{frame.Key}\" already defined");
                    }

                    frame.Key = null;
                    break;
            }
        }

        private void Remember(AnchorName anchor, JsonNode? node, long nodeCount, long charCount, string? scalar)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = new Anchored(node, nodeCount, charCount, scalar);
            }
        }

        private void Remember(string? anchor, JsonNode? node, long nodeCount, long charCount, string? scalar)
        {
            if (anchor is not null)
            {
                anchors[anchor] = new Anchored(node, nodeCount, charCount, scalar);
            }
        }

        private void Spend(long nodeCount, long charCount, Mark at)
        {
            nodes += nodeCount;
            chars += charCount;
            if (nodes > limits.MaxNodes)
            {
                throw new YamlInputException($"{At(at)}: more than {limits.MaxNodes} nodes after expanding aliases");
            }

            if (chars > limits.MaxExpandedChars)
            {
                throw new YamlInputException($"{At(at)}: more than {limits.MaxExpandedChars} characters of scalars after expanding aliases");
            }
        }

        private static string At(Mark m) => $"line {m.Line}, column {m.Column}";
    }

    private sealed class Frame(JsonNode node, string? anchor, long nodesBefore, long charsBefore, Mark start)
    {
        public JsonNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public long NodesBefore { get; } = nodesBefore;

        public long CharsBefore { get; } = charsBefore;

        public Mark Start { get; } = start;

        /// <summary>In a mapping: the key read, waiting for its value.</summary>
        public string? Key { get; set; }
    }

    private sealed record Anchored(JsonNode? Node, long Nodes, long Chars, string? Scalar);

    private static JsonNode? ToJson(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        // A number too large for a double (1e999) stays a string: JSON has no infinity.
        if (value.Any(char.IsAsciiDigit) && !value.Contains(':', StringComparison.Ordinal)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
