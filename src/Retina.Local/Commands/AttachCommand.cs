using System.CommandLine;
using Retina.Local.Shell;

namespace Retina.Local.Commands;

/// <summary><c>retina attach NAME [-n NAMESPACE]</c>: connects this terminal (or plain stdin/stdout) to a local shell.</summary>
public static class AttachCommand
{
    public static Command Create(Option<string> state)
    {
        var name = new Argument<string>("name") { Description = "the ShellSession" };
        var ns = new Option<string>("--namespace", "-n") { Description = "its namespace", DefaultValueFactory = _ => "default" };
        var command = new Command("attach", "Attach to a running local ShellSession's shell (a terminal when stdin is one; Ctrl-D or exit ends the shell)") { name, ns };
        command.SetAction(async (parse, ct) =>
        {
            var socket = LocalShellPaths.Socket(parse.GetValue(state)!, parse.GetValue(ns)!, parse.GetValue(name)!);
            if (!File.Exists(socket))
            {
                await Console.Error.WriteLineAsync($"retina attach: no running shell for ShellSession {parse.GetValue(ns)}/{parse.GetValue(name)} ({socket} does not exist): see `retina get shellsessions`");
                return 1;
            }

            return await AttachClient.RunAsync(socket, Console.OpenStandardInput(), Console.OpenStandardOutput(), !Console.IsInputRedirected, ct);
        });
        return command;
    }
}
