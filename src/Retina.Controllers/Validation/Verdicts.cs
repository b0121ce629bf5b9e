using Retina.Api.Common;

namespace Retina.Controllers.Validation;

/// <summary>How each kind shows an accepted or rejected spec beyond the Accepted condition.</summary>
public static class Verdicts
{
    public static void CapturePolicy(Api.CapturePolicy.CapturePolicy p, ValidationReport report, DateTime now)
    {
        var status = p.Status ??= new Api.CapturePolicy.CapturePolicyStatus();
        status.Armed = report.IsValid && p.Spec.Suspend != true;
        status.FiredCount ??= 0;
    }
}
