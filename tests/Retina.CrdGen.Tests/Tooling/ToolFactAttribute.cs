namespace Retina.CrdGen.Tests.Tooling;

/// <summary>
/// A fact that needs a tool from scripts/install-deps.sh. Without it the test is skipped with the package to install,
/// except under CI (CI=true), where it runs and fails loudly.
/// </summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string debianPackage)
    {
        if (!Tool.IsInstalled(tool) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{tool} not found on PATH: install the Debian package {debianPackage} (scripts/install-deps.sh)";
        }
    }
}
