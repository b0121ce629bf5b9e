using Retina.Testing.Netns;

namespace Retina.CrdGen.Tests.ArgoHealth;

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
