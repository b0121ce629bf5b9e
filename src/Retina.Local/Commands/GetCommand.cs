using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Api;
using Retina.Api.Common;
using Retina.Kube.Client;
using Retina.Local.Hosting;
using Retina.Local.Output;

namespace Retina.Local.Commands;

/// <summary><c>retina get &lt;kind&gt; [-w]</c>: the same columns as <c>kubectl get</c>, read from local mode's files.</summary>
public static class GetCommand
{
    public static Command Create(Option<string> dir, Option<string> state)
    {
        var kindArg = new Argument<string>("kind") { Description = "captures, metricsconfigurations, tracesessions, shellsessions, capturepolicies, noderuntimes (or a short name)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "keep printing rows as they change" };
        var wide = new Option<bool>("--wide") { Description = "also print the extra columns (kubectl's -o wide)" };
        var command = new Command("get", "List resources of a kind with their status columns") { kindArg, watch, wide };
        command.SetAction(async (parse, ct) =>
        {
            var kind = ResourceTable.FindKind(parse.GetValue(kindArg)!);
            if (kind is null)
            {
                await Console.Error.WriteLineAsync($"retina get: unknown kind \"{parse.GetValue(kindArg)}\"; known: {string.Join(", ", ResourceKinds.All.Select(k => k.Plural))}");
                return 2;
            }

            var printed = new Dictionary<string, string>(StringComparer.Ordinal);
            var unreadablePrinted = new Dictionary<string, string>(StringComparer.Ordinal);
            var first = true;
            do
            {
                var (objects, unreadable) = await ReadAsync(kind, parse.GetValue(dir)!, parse.GetValue(state)!, ct);
                Print(kind, objects, printed, first, parse.GetValue(wide));
                PrintUnreadable(parse.GetValue(dir)!, unreadable, unreadablePrinted);
                first = false;
                if (parse.GetValue(watch))
                {
                    // Local mode's writer is another process: re-read its files on a short period.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
            while (parse.GetValue(watch) && !ct.IsCancellationRequested);

            return 0;
        });
        return command;
    }

    private static async Task<(IReadOnlyList<JsonObject> Objects, IReadOnlyDictionary<string, string> Unreadable)> ReadAsync(ResourceKind kind, string dir, string state, CancellationToken ct)
    {
        var options = LocalStore.Options(dir, state);
        options.RescanInterval = TimeSpan.FromHours(1);
        await using var store = await Kube.Store.FileKubeClient.StartAsync(options, NullLogger.Instance, TimeProvider.System, ct);
        var objects = store.Store.List(ResourceDescriptor.For(kind.Type), null, Kube.Selectors.LabelSelector.Everything, Kube.Selectors.FieldSelector.Everything).Items;
        return (objects, store.UnreadableFiles);
    }

    /// <summary>
    /// Under the table, each file of the directory that could not be read and why (kubectl apply would refuse it the
    /// same way): its objects are missing or stale, whatever their kind, so every listing names it.
    /// </summary>
    private static void PrintUnreadable(string dir, IReadOnlyDictionary<string, string> unreadable, Dictionary<string, string> printed)
    {
        foreach (var (file, reason) in unreadable.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!printed.TryGetValue(file, out var previous) || previous != reason)
            {
                // A schema refusal reads as kubectl prints it ("The Capture "x" is invalid: ..."); anything else could not be read.
                var what = reason.StartsWith("The ", StringComparison.Ordinal) && reason.Contains(" is invalid: ", StringComparison.Ordinal) ? "refused" : "unreadable";
                Console.WriteLine($"\n{Path.GetRelativePath(dir, file)}: {what}: {reason}");
            }
        }

        printed.Clear();
        foreach (var (file, reason) in unreadable)
        {
            printed[file] = reason;
        }
    }

    private static void Print(ResourceKind kind, IReadOnlyList<JsonObject> objects, Dictionary<string, string> printed, bool first, bool wide)
    {
        var now = DateTime.UtcNow;
        var rows = objects.Select(o => ResourceTable.Row(kind, o, now, wide)).ToList();
        if (first)
        {
            Console.WriteLine(rows.Count == 0 ? $"No {kind.Plural} found." : ResourceTable.Render(ResourceTable.Headers(kind, wide), rows));
            PrintProblems(kind, objects);
        }
        else
        {
            // Watch mode prints a row again only when something other than its age changed.
            foreach (var (obj, row) in objects.Zip(rows))
            {
                var key = obj["metadata"]!["namespace"] + "/" + obj["metadata"]!["name"];
                var identity = string.Join('\t', row.Where((_, i) => ResourceTable.Headers(kind, wide)[i] != "AGE"));
                if (!printed.TryGetValue(key, out var previous) || previous != identity)
                {
                    Console.WriteLine(ResourceTable.Render(ResourceTable.Headers(kind, wide), [row]).Split('\n')[1]);
                }
            }
        }

        foreach (var (obj, row) in objects.Zip(rows))
        {
            printed[obj["metadata"]!["namespace"] + "/" + obj["metadata"]!["name"]] = string.Join('\t', row.Where((_, i) => ResourceTable.Headers(kind, wide)[i] != "AGE"));
        }
    }

    /// <summary>Under the table, why each rejected object was rejected: the validator's field paths.</summary>
    private static void PrintProblems(ResourceKind kind, IReadOnlyList<JsonObject> objects)
    {
        foreach (var obj in objects)
        {
            var typed = (IResource)obj.Deserialize(kind.Type)!;
            var rejected = Conditions.Find(typed.StatusConditions, "Accepted") is { Status: ConditionStatus.False } c ? c.Message : null;
            if (rejected is not null)
            {
                Console.WriteLine($"\n{typed.Metadata.Name}: rejected: {rejected}");
            }
        }
    }
}
