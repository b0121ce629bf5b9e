using Retina.Api.Common;
using Retina.Api.Schema;

namespace Retina.Api.RetinaEndpoint;

/// <summary>Schema rules only: the controllers write these objects from pods, nobody else does.</summary>
public sealed class RetinaEndpointValidator : IValidator<RetinaEndpoint>
{
    public ValidationReport Validate(RetinaEndpoint resource)
    {
        var report = new ValidationReport();
        SchemaRules.Validate(resource.Spec, "spec", report);
        return report;
    }
}
