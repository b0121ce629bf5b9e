using Xunit;

namespace Retina.Testing.Kernel;

/// <summary>
/// A fact that needs root and the real kernel. Without root it is skipped with the reason,
/// except under CI (CI=true), where it runs and fails loudly if the kernel refuses.
/// </summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (!KernelRequirements.CanRunKernelTests(out var why))
        {
            Skip = why;
        }
    }
}
