using Retina.Testing.Netns;

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

/// <summary>Runs a Lua 5.1 program (Argo CD's gopher-lua is Lua 5.1).</summary>
public static class Lua
{
    public const string Interpreter = "lua5.1";

    public static bool IsInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, Interpreter)));

    public static async Task<string> RunAsync(string program)
    {
        var file = Path.Combine(Path.GetTempPath(), $"retina-argo-health-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(file, program);
        try
        {
            var result = await Shell.RunAsync(Interpreter, [file]);
            result.ExitCode.ShouldBe(0, result.StdErr);
            return result.StdOut;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
