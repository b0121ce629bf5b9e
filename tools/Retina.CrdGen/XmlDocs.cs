using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Retina.CrdGen;

/// <summary>Reads the XML doc comments of Retina.Api: they become the descriptions users see in <c>kubectl explain</c>.</summary>
public sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> summaries;

    private XmlDocs(Dictionary<string, string> summaries) => this.summaries = summaries;

    public static XmlDocs Load(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"XML documentation for {assembly.GetName().Name} not found at {path}: build with GenerateDocumentationFile", path);
        }

        var doc = XDocument.Load(path);
        var map = doc.Descendants("member")
            .Where(m => m.Attribute("name") is not null && m.Element("summary") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value, m => Clean(m.Element("summary")!), StringComparer.Ordinal);
        return new XmlDocs(map);
    }

    public string? ForType(Type type) => summaries.GetValueOrDefault("T:" + type.FullName);

    public string? ForProperty(PropertyInfo property) =>
        summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Clean(XElement summary)
    {
        foreach (var see in summary.Descendants("see").ToList())
        {
            var cref = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? "";
            see.ReplaceWith(cref[(cref.LastIndexOf('.') + 1)..]);
        }

        return Whitespace().Replace(string.Concat(summary.Nodes().Select(n => n is XElement e ? e.Value : n.ToString())), " ").Trim()
            .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
