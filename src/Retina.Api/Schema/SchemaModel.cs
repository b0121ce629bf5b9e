using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Retina.Api.Schema;

/// <summary>
/// The reflected shape of a resource type: its JSON properties and their rules. The CRD generator and
/// <see cref="SchemaRules"/> both read it, so the CRD schema and the C# validator enforce the same rules.
/// </summary>
public static class SchemaModel
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<SchemaProperty>> Cache = new();

    public static IReadOnlyList<SchemaProperty> Properties(Type type) =>
        Cache.GetOrAdd(type, static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .Select(p => new SchemaProperty(p, p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name))
            .ToList());

    /// <summary>True for our own object types (recursed into), false for scalars, lists and maps.</summary>
    public static bool IsObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Retina.Api", StringComparison.Ordinal) == true;

    public static Type? ListItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || IsMap(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
    }

    public static bool IsMap(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d &&
        (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>));

    /// <summary>Whether a property counts as set, as a JSON key that is present would.</summary>
    public static bool IsSet(object? value) => value is not null;
}

/// <summary>One JSON property of a resource type.</summary>
public sealed record SchemaProperty(PropertyInfo Info, string JsonName)
{
    public Type Type => Nullable.GetUnderlyingType(Info.PropertyType) ?? Info.PropertyType;

    public T? Rule<T>() where T : Attribute => Info.GetCustomAttribute<T>();

    public IEnumerable<T> Rules<T>() where T : Attribute => Info.GetCustomAttributes<T>();
}
