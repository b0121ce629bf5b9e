namespace Retina.NodeRuntime.Capture;

internal enum CaptureWriteOutcome
{
    Written,
    WrittenAndMaxPacketsReached,
    MaxPacketsReached,
    MaxCaptureSizeReached,
    DiskBudgetExceeded,
}
