namespace Retina.CrdGen.Tests.ArgoHealth;

/// <summary>
/// A theory that needs the lua5.1 interpreter (Debian package lua5.1, installed by scripts/install-deps.sh).
/// Without it the test is skipped with that reason, except under CI (CI=true), where it runs and fails loudly.
/// </summary>
public sealed class LuaTheoryAttribute : TheoryAttribute
{
    public LuaTheoryAttribute()
    {
        if (!Lua.IsInstalled && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{Lua.Interpreter} not found on PATH: install the Debian package lua5.1 (scripts/install-deps.sh)";
        }
    }
}
