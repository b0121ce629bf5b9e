using Retina.Api.Capture;
using Retina.Api.Common;

namespace Retina.Controllers.Validation;

/// <summary>How each kind shows an accepted or rejected spec beyond the Accepted condition.</summary>
public static class Verdicts
{
    public static void TraceSession(Api.TraceSession.TraceSession t, ValidationReport report, DateTime now)
    {
        var status = t.Status ??= new Api.TraceSession.TraceSessionStatus();
        status.Phase = report.IsValid ? status.Phase ?? CapturePhase.Pending : CapturePhase.Failed;
    }

    public static void CapturePolicy(Api.CapturePolicy.CapturePolicy p, ValidationReport report, DateTime now)
    {
        var status = p.Status ??= new Api.CapturePolicy.CapturePolicyStatus();
        status.Armed = report.IsValid && p.Spec.Suspend != true;
        status.FiredCount ??= 0;
    }
}
