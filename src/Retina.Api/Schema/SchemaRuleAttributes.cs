namespace Retina.Api.Schema;

/// <summary>The string must be a Go duration such as <c>30s</c>, <c>5m</c> or <c>1h30m</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationAttribute : Attribute;

/// <summary>The list must not hold more than <see cref="Max"/> items (schema <c>maxItems</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int max) : Attribute
{
    public int Max { get; } = max;
}

/// <summary>The list must hold at least <see cref="Min"/> items (schema <c>minItems</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinItemsAttribute(int min) : Attribute
{
    public int Min { get; } = min;
}

/// <summary>Each item must be an IPv4 or IPv6 address.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IpAddressAttribute : Attribute;

/// <summary>The value must not match <see cref="Pattern"/> (schema <c>not: {pattern}</c>); <see cref="Message"/> says why.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ForbiddenPatternAttribute(string pattern, string message) : Attribute
{
    public string Pattern { get; } = pattern;

    public string Message { get; } = message;
}

/// <summary>Each item of a list of strings must match <see cref="Pattern"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>Each item of a list of strings must be one of <see cref="Values"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemValuesAttribute(params string[] values) : Attribute
{
    public string[] Values { get; } = values;
}

/// <summary>The object must set at least <see cref="Min"/> of its properties (schema <c>minProperties</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MinPropertiesAttribute(int min) : Attribute
{
    public int Min { get; } = min;
}

/// <summary>At most one of these groups of properties may be set; <see cref="AtLeastOne"/> makes one required.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ExclusiveGroupsAttribute(params string[] groups) : Attribute
{
    /// <summary>Each group is a comma-separated list of JSON property names that go together.</summary>
    public string[] Groups { get; } = groups;

    public bool AtLeastOne { get; init; }
}

/// <summary>When <see cref="Property"/> is set, <see cref="Requires"/> must be set too.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RequiresAttribute(string property, string requires) : Attribute
{
    public string Property { get; } = property;

    public string Requires { get; } = requires;
}

/// <summary>Keep the properties of this map or object free-form (schema <c>x-kubernetes-preserve-unknown-fields</c>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
