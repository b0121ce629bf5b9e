using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.NodeRuntime;

/// <summary>Validates a NodeRuntime spec (written by the controllers; checked so local edits fail loudly).</summary>
public sealed class NodeRuntimeValidator : IValidator<NodeRuntime>
{
    public ValidationReport Validate(NodeRuntime resource)
    {
        var report = new ValidationReport();
        SchemaRules.Validate(resource.Spec, "spec", report);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (resource.Spec.Plugins?.Count ?? 0); i++)
        {
            if (!seen.Add(resource.Spec.Plugins![i].Name))
            {
                report.Add(FieldPath.Child(FieldPath.Index("spec.plugins", i), "name"), $"\"{resource.Spec.Plugins[i].Name}\" is listed twice");
            }
        }

        return report;
    }
}
