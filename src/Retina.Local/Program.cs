using System.CommandLine;
using Retina.Local.Commands;

namespace Retina.Local;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // A local shell's launcher confines this very thread and execs the shell: before anything else starts.
        if (args is [Shell.ShellLauncher.Verb, ..])
        {
            return Task.FromResult(Shell.ShellLauncher.Run(args[1..]));
        }

        var dir = new Option<string>("--dir") { Description = "directory of resource YAML", DefaultValueFactory = _ => "config/samples/local", Recursive = true };
        var state = new Option<string>("--state") { Description = "where status is written", DefaultValueFactory = _ => ".retina/state", Recursive = true };
        var root = new RootCommand("Retina.NET local mode: the controllers and node runtime on this host, driven by a directory of YAML")
        {
            dir,
            state,
            RunCommand.Create(dir, state),
            GetCommand.Create(dir, state),
            AttachCommand.Create(state),
        };
        return root.Parse(args).InvokeAsync();
    }
}
