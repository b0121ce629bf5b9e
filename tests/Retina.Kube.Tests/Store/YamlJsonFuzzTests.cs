using System.Diagnostics;
using System.Text;
using Retina.Kube.Store;
using Retina.Testing.Repo;
using Xunit.Abstractions;

namespace Retina.Kube.Tests.Store;

/// <summary>
/// 100 000 seeded mutations of our samples and of known-hostile YAML: the reader returns documents or throws
/// <see cref="YamlInputException"/>, nothing else, and what it returns can be written back as a state file.
/// </summary>
public sealed class YamlJsonFuzzTests(ITestOutputHelper output)
{
    private const int Documents = 100_000;

    private static readonly string[] Hostile =
    [
        "a: &a [*a]\n", "a: &a {b: *a}\n", "&x [a, *x]\n",
        "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
        "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", "a: {b: {c: {d: {e: {f: [1, 2]}}}}}\n",
        "<<: *m\nm: &m {a: 1}\n", "%YAML 1.1\n---\n!!binary aGVsbG8=\n", "? a\n? b\n: c\n", "a: !!int x\nb: !!float y\nc: !!bool z\n",
        "a: |\n  text\n\tbad\n", "--- &r\n- *r\n", "a: 1e999\nb: -0x1F\nc: 1:20\nd: .inf\ne: ~\n",
    ];

    private static readonly string[] Tokens =
    [
        "&a ", "*a", "&b ", "*b", "[", "]", "{", "}", ": ", "- ", "---\n", "...\n", "? ", "!!str ", "!!binary ", "!!map ", "!<tag:x> ",
        "%YAML 1.1\n", "%TAG ! tag:x:\n", "<<: ", "\t", "\0", "\u0085", "\u2028", "\uFEFF", "\"", "'", "\\", "|", ">", "#", ",", "\n", "  ",
        "\r\n", "1e999", "=", "~", "\U0001F600", "\uD800", "&a [*a]", "*undefined",
    ];

    [Fact]
    public void No_mutated_document_gets_anything_but_a_per_input_error_out_of_the_reader()
    {
        var random = new Random(20261201);
        var seeds = Seeds();
        var limits = new YamlLimits { MaxBytes = 64 * 1024, MaxNodes = 20_000, MaxExpandedChars = 1_000_000 };
        int parsed = 0, refused = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Documents; i++)
        {
            var text = Mutate(seeds[random.Next(seeds.Length)], random);
            try
            {
                foreach (var doc in YamlJson.ParseAll(text, limits))
                {
                    YamlJson.Write(doc);
                }

                parsed++;
            }
            catch (YamlInputException)
            {
                refused++;
            }
            catch (Exception e)
            {
                throw new ShouldAssertException($"document {i} let {e.GetType().Name} out: {e.Message}\n--- input ---\n{text}", e);
            }
        }

        output.WriteLine($"{Documents} documents in {watch.Elapsed.TotalSeconds:F1} s: {parsed} read, {refused} refused");
        (parsed + refused).ShouldBe(Documents);
        parsed.ShouldBeGreaterThan(Documents / 20, "mutations must leave enough documents readable to exercise the builder");
        refused.ShouldBeGreaterThan(Documents / 20, "and enough broken ones to exercise the errors");
    }

    private static string[] Seeds() =>
        Directory.GetFiles(RepoPaths.Combine("config", "samples"), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => File.ReadAllText(f))
            .Select(t => t.Length > 1500 ? t[..1500] : t)
            .Concat(Hostile)
            .ToArray();

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0:
                    text.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 1 when text.Length > 0:
                    text.Remove(at, Math.Min(random.Next(1, 16), text.Length - at));
                    break;
                case 2 when text.Length > 0:
                    text[at] = (char)random.Next(0, 0x80);
                    break;
                case 3 when text.Length > 0:
                    var length = Math.Min(random.Next(1, 200), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                case 4:
                    text.Length = Math.Min(text.Length, at);
                    break;
                default:
                    text.Insert(at, Hostile[random.Next(Hostile.Length)]);
                    break;
            }
        }

        return text.ToString();
    }
}
