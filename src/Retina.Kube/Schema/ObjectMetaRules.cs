using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Retina.Kube.Schema;

/// <summary>
/// The API server's checks of <c>metadata.labels</c> and <c>metadata.annotations</c> (apimachinery's
/// ValidateLabels and ValidateAnnotations), with its messages: qualified-name keys, label values, the 256 KiB total of
/// annotations. A write with a bad label fails on a real cluster whatever the schema says.
/// </summary>
public static partial class ObjectMetaRules
{
    public const int MaxAnnotationBytes = 256 * 1024;

    private const string NameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string ValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string PrefixMessage = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
        + @"end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public static void Check(JsonObject? metadata, List<V1StatusCause> causes)
    {
        if (metadata?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                KeyProblems(key, "metadata.labels", causes);
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
                if (text.Length > 63)
                {
                    causes.Add(Invalid("metadata.labels", text, "must be no more than 63 characters"));
                }
                else if (!LabelValue().IsMatch(text))
                {
                    causes.Add(Invalid("metadata.labels", text, ValueMessage));
                }
            }
        }

        if (metadata?["annotations"] is JsonObject annotations)
        {
            var total = 0;
            foreach (var (key, value) in annotations)
            {
                KeyProblems(key.ToLowerInvariant(), "metadata.annotations", causes);
                total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "");
            }

            if (total > MaxAnnotationBytes)
            {
                causes.Add(new V1StatusCause { Reason = "FieldValueTooLong", Field = "metadata.annotations", Message = $"Too long: must have at most {MaxAnnotationBytes} bytes" });
            }
        }
    }

    private static void KeyProblems(string key, string field, List<V1StatusCause> causes)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
        {
            causes.Add(Invalid(field, key, prefix.Length > 253 ? "prefix part must be no more than 253 characters" : PrefixMessage));
        }

        if (name.Length == 0)
        {
            causes.Add(Invalid(field, key, "name part must be non-empty"));
        }
        else if (name.Length > 63)
        {
            causes.Add(Invalid(field, key, "name part must be no more than 63 characters"));
        }
        else if (!QualifiedName().IsMatch(name))
        {
            causes.Add(Invalid(field, key, NameMessage));
        }
    }

    private static V1StatusCause Invalid(string field, string value, string why) =>
        new() { Reason = "FieldValueInvalid", Field = field, Message = $"Invalid value: \"{value}\": {why}" };

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\z")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Subdomain();
}
