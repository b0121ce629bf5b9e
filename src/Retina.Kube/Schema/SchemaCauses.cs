using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;

namespace Retina.Kube.Schema;

/// <summary>
/// NJsonSchema's errors as the API server's <c>Status.details.causes</c>: the reasons, field paths and messages
/// (kube-openapi's wording) that <c>kubectl apply</c> prints. Wrappers (an array item, allOf) give their children's
/// errors; anyOf, oneOf and not are one cause at the value they are declared on, as the server reports them.
/// </summary>
public static class SchemaCauses
{
    public static IEnumerable<V1StatusCause> From(IEnumerable<ValidationError> errors) => errors.SelectMany(From);

    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            _ => "boolean",
        },
    };

    private static IEnumerable<V1StatusCause> From(ValidationError e)
    {
        var field = (e.Path ?? "").TrimStart('#').TrimStart('/');
        var schema = e.Schema;
        switch (e.Kind)
        {
            case ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.NotAllOf or ValidationErrorKind.AdditionalItemNotValid
                or ValidationErrorKind.AdditionalPropertiesNotValid when e is ChildSchemaValidationError child:
                return From(child.Errors.SelectMany(kv => kv.Value));
            case ValidationErrorKind.PropertyRequired:
                return [Cause("FieldValueRequired", field, "Required value")];
            case ValidationErrorKind.NotInEnumeration:
                var supported = string.Join(", ", schema.Enumeration.Select(x => Quote(x)));
                return [Cause("FieldValueNotSupported", field, $"Unsupported value: {Value(e.Token)}: supported values: {supported}")];
            case ValidationErrorKind.StringTooLong:
                return [Cause("FieldValueTooLong", field, $"Too long: may not be more than {schema.MaxLength} bytes")];
            case ValidationErrorKind.TooManyItems:
                return [Cause("FieldValueTooMany", field, $"Too many: {(e.Token as JArray)?.Count}: must have at most {schema.MaxItems} items")];
            case ValidationErrorKind.TooManyProperties:
                return [Cause("FieldValueTooMany", field, $"Too many: {(e.Token as JObject)?.Count}: must have at most {schema.MaxProperties} properties")];
            case ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected
                or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
                or ValidationErrorKind.NullExpected:
                return [TypeInvalid(field, e.Token, TypeOf(schema))];
            case ValidationErrorKind.DateTimeExpected or ValidationErrorKind.DateExpected or ValidationErrorKind.TimeExpected
                or ValidationErrorKind.IpV4Expected or ValidationErrorKind.IpV6Expected or ValidationErrorKind.HostnameExpected
                or ValidationErrorKind.UriExpected or ValidationErrorKind.EmailExpected or ValidationErrorKind.GuidExpected
                or ValidationErrorKind.Base64Expected or ValidationErrorKind.TimeSpanExpected or ValidationErrorKind.UuidExpected:
                return [TypeInvalid(field, e.Token, schema.Format ?? e.Kind.ToString())];
            default:
                return [Cause("FieldValueInvalid", field, $"Invalid value: {Value(e.Token)}: {field} in body {Detail(e)}")];
        }
    }

    private static string Detail(ValidationError e)
    {
        var s = e.Schema;
        return e.Kind switch
        {
            ValidationErrorKind.PatternMismatch => $"should match '{GoRegex.Original(s.Pattern)}'",
            ValidationErrorKind.StringTooShort => $"should be at least {s.MinLength} chars long",
            ValidationErrorKind.NumberTooSmall => $"should be greater than or equal to {s.Minimum?.ToString(CultureInfo.InvariantCulture)}",
            ValidationErrorKind.NumberTooBig => $"should be less than or equal to {s.Maximum?.ToString(CultureInfo.InvariantCulture)}",
            ValidationErrorKind.NumberNotMultipleOf => $"should be a multiple of {s.MultipleOf?.ToString(CultureInfo.InvariantCulture)}",
            ValidationErrorKind.TooFewItems => $"should have at least {s.MinItems} items",
            ValidationErrorKind.ItemsNotUnique => "shouldn't contain duplicates",
            ValidationErrorKind.TooFewProperties => $"should have at least {s.MinProperties} properties",
            ValidationErrorKind.NotAnyOf => "must validate at least one schema (anyOf)",
            ValidationErrorKind.NotOneOf => "must validate one and only one schema (oneOf)",
            ValidationErrorKind.ExcludedSchemaValidates => "must not validate the schema (not)",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "is a forbidden property",
            _ => e.Kind.ToString(),
        };
    }

    private static V1StatusCause TypeInvalid(string field, JToken? token, string type) =>
        Cause("FieldValueTypeInvalid", field, $"Invalid value: {Value(token)}: {field} in body must be of type {type}: {Value(token)}");

    private static string TypeOf(NJsonSchema.JsonSchema schema) =>
        schema.Type.ToString().ToLowerInvariant().Replace(", none", "", StringComparison.Ordinal);

    private static V1StatusCause Cause(string reason, string field, string message) => new() { Reason = reason, Field = field, Message = message };

    /// <summary>The value as the server prints it: strings quoted, numbers and booleans bare, containers by their type.</summary>
    private static string Value(JToken? token) => token switch
    {
        null => "\"null\"",
        JObject => "\"object\"",
        JArray => "\"array\"",
        JValue { Type: JTokenType.Null } => "\"null\"",
        JValue { Type: JTokenType.String or JTokenType.Date or JTokenType.Guid or JTokenType.Uri or JTokenType.TimeSpan } v => Quote(v.ToString(CultureInfo.InvariantCulture)),
        JValue { Type: JTokenType.Boolean } v => (bool)v! ? "true" : "false",
        JValue v => v.ToString(CultureInfo.InvariantCulture),
        _ => token.ToString(),
    };

    private static string Quote(object? value) =>
        "\"" + (value?.ToString() ?? "null").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
