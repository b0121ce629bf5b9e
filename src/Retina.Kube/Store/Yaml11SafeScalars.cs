using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace Retina.Kube.Store;

/// <summary>
/// Double-quotes every string that a YAML 1.1 parser (PyYAML, Ruby's Psych, Go's yaml.v2) would not read back as a
/// string. YamlDotNet's <c>WithQuotingNecessaryStrings</c> follows YAML 1.2's core schema, which leaves <c>=</c>
/// (1.1's value tag), <c>y</c>/<c>n</c>/<c>on</c>/<c>off</c>/<c>yes</c>/<c>no</c>, sexagesimal numbers such as
/// <c>1:20</c>, <c>0x</c>/<c>0o</c>/octal/underscored numbers and timestamps plain; Python tooling then refuses or
/// retypes what we ship. The rule is deliberately wider than 1.1's resolvers (anything starting with a digit, or a sign or dot then a
/// digit, is quoted): a quoted string means the same in every parser, a plain one only in some. Indicators and
/// <c>: </c> need no rule here (YamlDotNet's emitter refuses them as plain scalars); blanks at either end and control
/// characters do: YamlDotNet writes a trailing tab plain, which PyYAML refuses.
/// </summary>
public sealed class Yaml11SafeScalars(IEventEmitter next) : ChainedEventEmitter(next)
{
    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<",
        ".inf", "-.inf", "+.inf", ".nan",
    };

    public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
    {
        if (eventInfo.Style is ScalarStyle.Any or ScalarStyle.Plain && eventInfo.Source.Value is string s && NeedsQuotes(s))
        {
            eventInfo.Style = ScalarStyle.DoubleQuoted;
        }

        base.Emit(eventInfo, emitter);
    }

    /// <summary>True when a plain scalar with this text could be typed as anything but a string by some YAML 1.1 or 1.2 parser.</summary>
    public static bool NeedsQuotes(string value) =>
        Words.Contains(value) || StartsLikeNumber(value) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])
        || value.Any(c => char.IsControl(c) && c != '\n');

    private static bool StartsLikeNumber(string v) =>
        char.IsAsciiDigit(v[0]) || (v.Length > 1 && v[0] is '-' or '+' or '.' && (char.IsAsciiDigit(v[1]) || v[1] == '.'));

    /// <summary>Registers the emitter on a serializer builder.</summary>
    public static SerializerBuilder Apply(SerializerBuilder builder) =>
        builder.WithEventEmitter(next => new Yaml11SafeScalars(next));
}
