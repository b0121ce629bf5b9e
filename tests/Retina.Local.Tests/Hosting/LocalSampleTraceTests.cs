using System.Diagnostics;
using Retina.Testing.Kernel;
using Retina.Testing.Netns;
using Retina.Testing.Repo;
using Retina.Testing.Waiting;

namespace Retina.Local.Tests.Hosting;

/// <summary>
/// Issue 13's "make run with the sample trace writes readable flow logs", as a newcomer does it: the real
/// <c>retina run</c> binary over the shipped sample (its pod name pointed at this test's netns), the DNS query the
/// sample's comment suggests, and the README's own zcat | jq line reading the result.
/// </summary>
public sealed class LocalSampleTraceTests : IDisposable
{
    private const string Sample = "tracesession-web-drops-dns.yaml";
    private readonly string root = Directory.CreateTempSubdirectory("retina-local-sample-").FullName;

    [KernelFact]
    public async Task The_sample_trace_writes_flow_logs_that_the_readme_jq_line_reads()
    {
        // The sample's own set-up: a netns "pod" behind a veth whose other end is on this host (unique names and addresses).
        var n = Environment.ProcessId % 10000;
        var (pod, hostVeth, podVeth) = ($"lst{n}", $"lsh{n}", $"lsp{n}");
        var (hostAddress, podAddress) = ($"10.201.{n / 64}.{(n % 64 * 4) + 1}", $"10.201.{n / 64}.{(n % 64 * 4) + 2}");
        await using var netns = await SampleNetns.CreateAsync(pod, hostVeth, podVeth, hostAddress, podAddress);
        var sample = await File.ReadAllTextAsync(RepoPaths.Combine("config", "samples", "local", Sample));
        sample.ShouldContain("podNames: [\"web\"]");
        Directory.CreateDirectory(Path.Combine(root, "resources"));
        await File.WriteAllTextAsync(Path.Combine(root, "resources", Sample), sample.Replace("podNames: [\"web\"]", $"podNames: [\"{pod}\"]", StringComparison.Ordinal));
        var readme = await File.ReadAllLinesAsync(RepoPaths.Combine("README.md"));
        var dropsLine = readme.First(l => l.StartsWith("zcat captures/traces/*.jsonl.gz | jq -c 'select(.flow.verdict==\"DROPPED\")", StringComparison.Ordinal));

        using var retina = Start();
        try
        {
            var state = Path.Combine(root, "state", "tracesessions", "local", "web-drops-dns.yaml");
            await Until.TrueAsync(() => File.Exists(state) && File.ReadAllText(state).Contains("phase: Running"), "the sample trace runs on this host", TimeSpan.FromSeconds(60));

            // The sample's own suggestion: a DNS query to the host's end, where nothing listens on port 53 (a NO_SOCKET drop).
            var flows = "";
            await Until.TrueAsync(async () =>
            {
                await Retina.Testing.Netns.Shell.RunAsync("ip", ["netns", "exec", pod, "dig", "+tries=1", "+time=1", $"@{hostAddress}", "nope.invalid"]);
                var read = await Retina.Testing.Netns.Shell.RunAsync("bash", ["-c", $"cd {root} && {dropsLine}"]);
                flows = read.StdOut;
                return flows.Contains($"\"pod\":\"{pod}\"", StringComparison.Ordinal);
            }, "the README's jq line shows the sample pod's drop", TimeSpan.FromSeconds(60));

            flows.ShouldContain("\"reason\":\"NO_SOCKET\"");
            var query = await Retina.Testing.Netns.Shell.RunAsync("bash", ["-c", $"cd {root} && zcat captures/traces/*.jsonl.gz | jq -r 'select(.flow.l7.dns.query==\"nope.invalid.\") | .flow.source.pod_name' | sort -u"]);
            var all = await Retina.Testing.Netns.Shell.RunAsync("bash", ["-c", $"cd {root} && zcat captures/traces/*.jsonl.gz"]);
            query.StdOut.Trim().ShouldBe(pod, "the DNS query is in the flow log, named after its pod: " + all.StdOut);
        }
        finally
        {
            await Retina.Testing.Netns.Shell.RunAsync("kill", ["-INT", retina.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (!retina.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                retina.Kill(entireProcessTree: true);
            }
        }
    }

    private Process Start()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "retina.dll"), "run", "--dir", Path.Combine(root, "resources"), "--state", Path.Combine(root, "state"),
            "--captures", Path.Combine(root, "captures"), "--metrics", "127.0.0.1:0", "--alert-webhook", "off", "--node", "sample-" + Environment.ProcessId,
        })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private sealed class SampleNetns(string name) : IAsyncDisposable
    {
        public static async Task<SampleNetns> CreateAsync(string name, string hostVeth, string podVeth, string hostAddress, string podAddress)
        {
            await Retina.Testing.Netns.Shell.RunAsync("ip", ["netns", "del", name]);
            var netns = new SampleNetns(name);
            try
            {
                foreach (var command in new[]
                {
                    new[] { "netns", "add", name },
                    ["link", "add", hostVeth, "type", "veth", "peer", "name", podVeth],
                    ["link", "set", podVeth, "netns", name],
                    ["addr", "add", hostAddress + "/30", "dev", hostVeth],
                    ["link", "set", hostVeth, "up"],
                    ["-n", name, "addr", "add", podAddress + "/30", "dev", podVeth],
                    ["-n", name, "link", "set", podVeth, "up"],
                    ["-n", name, "link", "set", "lo", "up"],
                })
                {
                    await Retina.Testing.Netns.Shell.CheckAsync("ip", command);
                }
            }
            catch
            {
                await netns.DisposeAsync();
                throw;
            }

            return netns;
        }

        public async ValueTask DisposeAsync() => await Retina.Testing.Netns.Shell.RunAsync("ip", ["netns", "del", name]);
    }
}
