namespace Retina.Api.Schema;

/// <summary>A column of <c>kubectl get</c> (and <c>retina get</c>), in declaration order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    /// <summary>OpenAPI type of the column: string, integer, number, boolean or date.</summary>
    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public int Priority { get; init; }

    public string? Description { get; init; }
}
