using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Retina.Api.Common;

namespace Retina.Api.Schema;

/// <summary>
/// Enforces the rules the CRD schema also carries (required, enums, ranges, lengths, patterns, list sizes,
/// exclusive groups), so an object the API server would reject is rejected identically in local mode.
/// </summary>
public static class SchemaRules
{
    /// <summary>Validates <paramref name="value"/> at <paramref name="path"/>; <paramref name="skip"/> names a property validated elsewhere.</summary>
    public static void Validate(object? value, string path, ValidationReport result, string? skip = null)
    {
        if (value is null)
        {
            return;
        }

        var type = value.GetType();
        foreach (var property in SchemaModel.Properties(type).Where(p => p.JsonName != skip))
        {
            ValidateProperty(property, property.Info.GetValue(value), FieldPath.Child(path, property.JsonName), result);
        }

        ValidateObjectRules(type, value, path, result);
    }

    private static void ValidateProperty(SchemaProperty p, object? value, string path, ValidationReport result)
    {
        if (value is null || (value is string s0 && s0.Length == 0 && p.Rule<RequiredAttribute>() is not null))
        {
            if (p.Rule<RequiredAttribute>() is not null)
            {
                result.Add(path, "is required");
            }

            return;
        }

        if (value is string s)
        {
            ValidateString(p, s, path, result);
        }
        else if (p.Rule<RangeAttribute>() is { } range && value is IConvertible)
        {
            var n = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
            var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            if (n < min || n > max)
            {
                result.Add(path, $"{value} is out of range: must be between {range.Minimum} and {range.Maximum}");
            }
        }
        else if (SchemaModel.ListItemType(p.Type) is { } itemType && value is IList list)
        {
            ValidateList(p, itemType, list, path, result);
        }
        else if (SchemaModel.IsObject(p.Type))
        {
            Validate(value, path, result);
        }
    }

    private static void ValidateList(SchemaProperty p, Type itemType, IList list, string path, ValidationReport result)
    {
        if (p.Rule<MinItemsAttribute>() is { } minItems && list.Count < minItems.Min)
        {
            result.Add(path, $"must have at least {minItems.Min} item(s)");
        }

        if (p.Rule<MaxItemsAttribute>() is { } maxItems && list.Count > maxItems.Max)
        {
            result.Add(path, $"has {list.Count} items, more than the limit of {maxItems.Max}");
        }

        for (var i = 0; i < list.Count; i++)
        {
            var itemPath = FieldPath.Index(path, i);
            switch (list[i])
            {
                case string item:
                    ValidateItem(p, item, itemPath, result);
                    break;
                case { } obj when SchemaModel.IsObject(itemType):
                    Validate(obj, itemPath, result);
                    break;
            }
        }
    }

    private static void ValidateItem(SchemaProperty p, string item, string path, ValidationReport result)
    {
        if (p.Rule<ItemPatternAttribute>() is { } pattern && !Matches(pattern.Pattern, item))
        {
            result.Add(path, $"{Quote(item)} is not valid here (must match {pattern.Pattern})");
        }

        if (p.Rule<ItemValuesAttribute>() is { } values && !values.Values.Contains(item, StringComparer.Ordinal))
        {
            result.Add(path, $"{Quote(item)} is not one of: {string.Join(", ", values.Values)}");
        }

        if (p.Rule<IpAddressAttribute>() is not null && !IsIpAddress(item))
        {
            result.Add(path, $"{Quote(item)} is not an IP address");
        }
    }

    private static void ValidateString(SchemaProperty p, string s, string path, ValidationReport result)
    {
        if (p.Rule<AllowedValuesAttribute>() is { } allowed && !allowed.Values.Contains(s))
        {
            result.Add(path, $"{Quote(s)} is not one of: {string.Join(", ", allowed.Values)}");
            return;
        }

        if (p.Rule<MaxLengthAttribute>() is { } maxLength && s.Length > maxLength.Length)
        {
            result.Add(path, $"is {s.Length} characters long, more than the limit of {maxLength.Length}");
            return;
        }

        if (p.Rule<DurationAttribute>() is not null && !GoDuration.TryParse(s, out _))
        {
            result.Add(path, $"{Quote(s)} is not a duration (use e.g. 30s, 5m, 1h30m)");
            return;
        }

        if (p.Rule<RegularExpressionAttribute>() is { } regex && !Matches(regex.Pattern, s))
        {
            result.Add(path, $"{Quote(s)} is not valid here (must match {regex.Pattern})");
            return;
        }

        foreach (var forbidden in p.Rules<ForbiddenPatternAttribute>())
        {
            if (Matches(forbidden.Pattern, s))
            {
                result.Add(path, $"{Quote(s)} {forbidden.Message}");
                return;
            }
        }
    }

    private static void ValidateObjectRules(Type type, object value, string path, ValidationReport result)
    {
        var props = SchemaModel.Properties(type);
        bool IsSet(string jsonName) =>
            props.FirstOrDefault(p => p.JsonName == jsonName) is { } p && SchemaModel.IsSet(p.Info.GetValue(value));

        if (type.GetCustomAttribute<MinPropertiesAttribute>() is { } minProps &&
            props.Count(p => SchemaModel.IsSet(p.Info.GetValue(value))) < minProps.Min)
        {
            result.Add(path, $"must set at least {minProps.Min} of: {string.Join(", ", props.Select(p => p.JsonName))}");
        }

        foreach (var groups in type.GetCustomAttributes<ExclusiveGroupsAttribute>())
        {
            var setGroups = groups.Groups.Where(g => g.Split(',').Any(IsSet)).ToList();
            if (setGroups.Count > 1)
            {
                result.Add(path, $"{string.Join(" and ", setGroups.Select(g => g.Replace(",", "/", StringComparison.Ordinal)))} are mutually exclusive: set only one");
            }
            else if (setGroups.Count == 0 && groups.AtLeastOne)
            {
                result.Add(path, $"must set one of: {string.Join(", ", groups.Groups.Select(g => g.Replace(",", "/", StringComparison.Ordinal)))}");
            }
        }

        foreach (var requires in type.GetCustomAttributes<RequiresAttribute>())
        {
            if (IsSet(requires.Property) && !IsSet(requires.Requires))
            {
                result.Add(FieldPath.Child(path, requires.Property), $"requires {requires.Requires} to be set");
            }
        }
    }

    public static bool IsIpAddress(string s) =>
        IPAddress.TryParse(s, out var ip) && (ip.ToString() == s || s.Contains(':', StringComparison.Ordinal)) &&
        !s.Contains('%', StringComparison.Ordinal) && !s.Contains('/', StringComparison.Ordinal);

    private static bool Matches(string pattern, string s) =>
        Regex.IsMatch(s, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string Quote(string s) => "\"" + s + "\"";
}
