using Xunit;

namespace Retina.Testing.Kernel;

/// <summary>The theory form of <see cref="KernelFactAttribute"/>.</summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (!KernelRequirements.CanRunKernelTests(out var why))
        {
            Skip = why;
        }
    }
}
