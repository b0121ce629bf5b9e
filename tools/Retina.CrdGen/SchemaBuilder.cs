using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using k8s.Models;
using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.CrdGen;

/// <summary>Builds a structural openAPIV3Schema from a resource type and the rules on its properties.</summary>
public sealed partial class SchemaBuilder(XmlDocs docs)
{
    public Dictionary<string, object> ForResource(Type type)
    {
        var props = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["apiVersion"] = Scalar("string", "APIVersion defines the versioned schema of this representation of an object."),
            ["kind"] = Scalar("string", "Kind is a string value representing the REST resource this object represents."),
            ["metadata"] = new Dictionary<string, object> { ["type"] = "object" },
        };
        var spec = type.GetProperty("Spec")!;
        var status = type.GetProperty("Status")!;
        props["spec"] = ForObject(spec.PropertyType, docs.ForType(spec.PropertyType));
        props["status"] = ForObject(status.PropertyType, docs.ForType(status.PropertyType));
        var schema = new Dictionary<string, object>
        {
            ["description"] = docs.ForType(type) ?? type.Name,
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new List<string> { "spec" },
        };
        return schema;
    }

    private Dictionary<string, object> ForObject(Type type, string? description)
    {
        var schema = new Dictionary<string, object>();
        if (description is not null)
        {
            schema["description"] = description;
        }

        schema["type"] = "object";
        var props = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var required = new List<string>();
        foreach (var p in SchemaModel.Properties(type))
        {
            props[p.JsonName] = ForProperty(p);
            if (p.Rule<RequiredAttribute>() is not null)
            {
                required.Add(p.JsonName);
            }
        }

        schema["properties"] = props;
        if (required.Count > 0)
        {
            schema["required"] = required.Order(StringComparer.Ordinal).ToList();
        }

        if (type.GetCustomAttribute<MinPropertiesAttribute>() is { } minProps)
        {
            schema["minProperties"] = minProps.Min;
        }

        var allOf = ObjectRules(type);
        if (allOf.Count > 0)
        {
            schema["allOf"] = allOf;
        }

        return schema;
    }

    private static List<object> ObjectRules(Type type)
    {
        var rules = new List<object>();
        foreach (var groups in type.GetCustomAttributes<ExclusiveGroupsAttribute>())
        {
            var split = groups.Groups.Select(g => g.Split(',')).ToList();
            var pairs = new List<object>();
            for (var i = 0; i < split.Count; i++)
            {
                for (var j = i + 1; j < split.Count; j++)
                {
                    pairs.AddRange(from a in split[i] from b in split[j] select Required(a, b));
                }
            }

            rules.Add(new Dictionary<string, object> { ["not"] = new Dictionary<string, object> { ["anyOf"] = pairs } });
            if (groups.AtLeastOne)
            {
                rules.Add(new Dictionary<string, object> { ["anyOf"] = split.SelectMany(g => g).Select(p => (object)Required(p)).ToList() });
            }
        }

        foreach (var requires in type.GetCustomAttributes<RequiresAttribute>())
        {
            rules.Add(new Dictionary<string, object>
            {
                ["anyOf"] = new List<object>
                {
                    new Dictionary<string, object> { ["not"] = Required(requires.Property) },
                    Required(requires.Requires),
                },
            });
        }

        return rules;
    }

    private static Dictionary<string, object> Required(params string[] names) =>
        new() { ["required"] = names.ToList() };

    private Dictionary<string, object> ForProperty(SchemaProperty p)
    {
        var type = p.Type;
        var description = docs.ForProperty(p.Info);
        if (SchemaModel.IsObject(type) && type != typeof(V1ObjectMeta))
        {
            return ForObject(type, description ?? docs.ForType(type));
        }

        var schema = new Dictionary<string, object>();
        if (description is not null)
        {
            schema["description"] = description;
        }

        if (SchemaModel.IsMap(type))
        {
            schema["type"] = "object";
            schema["additionalProperties"] = ScalarSchema(type.GetGenericArguments()[1]);
            return schema;
        }

        if (SchemaModel.ListItemType(type) is { } itemType)
        {
            schema["type"] = "array";
            schema["items"] = SchemaModel.IsObject(itemType) ? ForObject(itemType, docs.ForType(itemType)) : ItemSchema(p, itemType);
            if (p.Rule<MinItemsAttribute>() is { } minItems)
            {
                schema["minItems"] = minItems.Min;
            }

            if (p.Rule<MaxItemsAttribute>() is { } maxItems)
            {
                schema["maxItems"] = maxItems.Max;
            }

            return schema;
        }

        foreach (var kv in ScalarSchema(type))
        {
            schema[kv.Key] = kv.Value;
        }

        AddScalarRules(p, schema);
        return schema;
    }

    private static Dictionary<string, object> ItemSchema(SchemaProperty p, Type itemType)
    {
        var schema = ScalarSchema(itemType);
        if (p.Rule<ItemPatternAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (p.Rule<ItemValuesAttribute>() is { } values)
        {
            schema["enum"] = values.Values.ToList();
        }

        if (p.Rule<IpAddressAttribute>() is not null)
        {
            schema["anyOf"] = new List<object>
            {
                new Dictionary<string, object> { ["format"] = "ipv4" },
                new Dictionary<string, object> { ["format"] = "ipv6" },
            };
        }

        return schema;
    }

    private static void AddScalarRules(SchemaProperty p, Dictionary<string, object> schema)
    {
        if (p.Rule<RequiredAttribute>() is not null && p.Type == typeof(string))
        {
            schema["minLength"] = 1;
        }

        if (p.Rule<MaxLengthAttribute>() is { } maxLength)
        {
            schema["maxLength"] = maxLength.Length;
        }

        string? enumPattern = null;
        if (p.Rule<AllowedValuesAttribute>() is { } allowed)
        {
            // kustomize (and so Argo CD and Flux) re-emits every string with Go's yaml.v3, which drops our quotes where
            // YAML 1.2 needs none: `=` (YAML 1.1's value tag) and sexagesimal numbers then break or retype in PyYAML on
            // every rendered overlay. Such an enum is written as an anchored pattern, a string every parser reads.
            if (allowed.Values.Any(v => v is string s && GoYamlLeavesPlainButYaml11Types().IsMatch(s)))
            {
                enumPattern = "^(" + string.Join("|", allowed.Values.Select(v => EscapeRe2((string)v!))) + ")$";
            }
            else
            {
                schema["enum"] = allowed.Values.Select(v => v!).ToList();
            }
        }

        if (p.Rule<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema["maximum"] = Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        var pattern = p.Rule<DurationAttribute>() is not null ? GoDuration.Pattern : p.Rule<RegularExpressionAttribute>()?.Pattern;
        if (enumPattern is not null)
        {
            pattern = pattern is null ? enumPattern : throw new InvalidOperationException($"{p}: an enum written as a pattern cannot also have a pattern");
        }

        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        var forbidden = p.Rules<ForbiddenPatternAttribute>().ToList();
        if (forbidden.Count > 0)
        {
            schema["allOf"] = forbidden
                .Select(f => (object)new Dictionary<string, object> { ["not"] = new Dictionary<string, object> { ["pattern"] = f.Pattern } })
                .ToList();
        }

        if (p.Rule<DefaultValueAttribute>() is { Value: { } value })
        {
            schema["default"] = value;
        }
    }

    private static Dictionary<string, object> ScalarSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => new() { ["type"] = "string" },
            _ when type == typeof(bool) => new() { ["type"] = "boolean" },
            _ when type == typeof(int) => new() { ["type"] = "integer", ["format"] = "int32" },
            _ when type == typeof(long) => new() { ["type"] = "integer", ["format"] = "int64" },
            _ when type == typeof(double) => new() { ["type"] = "number" },
            _ when type == typeof(DateTime) => new() { ["type"] = "string", ["format"] = "date-time" },
            _ => throw new NotSupportedException($"no schema mapping for {type}"),
        };
    }

    private static Dictionary<string, object> Scalar(string type, string description) =>
        new() { ["description"] = description, ["type"] = type };

    [System.Text.RegularExpressions.GeneratedRegex(@"^(=|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$")]
    private static partial System.Text.RegularExpressions.Regex GoYamlLeavesPlainButYaml11Types();

    /// <summary>Escapes the metacharacters common to RE2 and .NET regular expressions.</summary>
    private static string EscapeRe2(string literal) =>
        string.Concat(literal.Select(c => @"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal) ? "\\" + c : c.ToString()));
}
