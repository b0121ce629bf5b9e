namespace Retina.Testing.Kernel;

/// <summary>Decides whether kernel tests run here: root runs them; CI always runs them.</summary>
public static class KernelRequirements
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool CanRunKernelTests(out string why)
    {
        if (IsRoot || IsCi)
        {
            why = "";
            return true;
        }

        why = "needs root for eBPF and network namespaces (run as root, or in CI where it is mandatory)";
        return false;
    }

}
