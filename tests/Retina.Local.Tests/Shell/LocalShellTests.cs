using System.IO.Pipes;
using System.Text;
using System.Text.RegularExpressions;
using Retina.Api.ShellSession;
using Retina.Kube.Client;
using Retina.Local.Shell;
using Retina.Native.Libc;
using Retina.Testing.Kernel;
using Retina.Testing.Waiting;

namespace Retina.Local.Tests.Shell;

/// <summary>Local shells as root: real processes, real capability sets, a real mount namespace, killed at TTL.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class LocalShellTests
{
    [KernelTheory]
    [InlineData("restricted", new string[0])]
    [InlineData("netadmin", new[] { "NET_ADMIN", "NET_RAW" })]
    [InlineData("bpf", new[] { "BPF", "NET_ADMIN", "PERFMON", "SYS_RESOURCE" })]
    public async Task A_local_shell_and_what_it_runs_hold_exactly_the_profiles_capabilities(string profile, string[] caps)
    {
        await using var bed = new LocalShellBed();
        var missing = caps.Where(c => (ShellConfinement.BoundingMask() & ShellConfinement.Mask([c])) == 0).ToList();
        if (missing.Count > 0)
        {
            // This host (e.g. a container) does not hold them: the session says which, instead of starting a shell with less.
            var refused = await bed.CreateAsync("caps-" + profile, profile, expect: ShellPhase.Failed);
            refused.Status!.Conditions!.Single(c => c.Type == "Ready").Message!.ShouldContain(string.Join(", ", missing));
            return;
        }

        await bed.CreateAsync("caps-" + profile, profile);
        var output = await bed.RunAsync("caps-" + profile, "grep ^Cap /proc/self/status");

        var expected = ShellConfinement.Mask(caps).ToString("x16");
        foreach (var set in new[] { "CapPrm", "CapEff", "CapBnd", "CapAmb", "CapInh" })
        {
            CapLine(output, set).ShouldBe(expected, $"{set} of a command run in the {profile} shell:\n{output}");
        }
    }

    [KernelFact]
    public async Task Extra_capabilities_join_the_profiles_and_nothing_else()
    {
        await using var bed = new LocalShellBed();
        await bed.CreateAsync("extra", "general", capabilities: ["NET_RAW"]);
        var output = await bed.RunAsync("extra", "grep ^CapEff /proc/self/status");
        CapLine(output, "CapEff").ShouldBe(ShellConfinement.Mask(["SYS_PTRACE", "NET_RAW"]).ToString("x16"));
    }

    [KernelFact]
    public async Task A_read_only_host_filesystem_cannot_be_written_even_by_root()
    {
        await using var bed = new LocalShellBed();
        await bed.CreateAsync("ro", "general", hostFilesystem: "ReadOnly");
        var probe = $"/tmp/retina-ro-{Guid.NewGuid():N}";
        var output = await bed.RunAsync("ro", $"touch /host{probe}; echo rc=$?; test -d /host/proc/self && echo proc-visible; echo HOST-$(grep -c ' /host ' /proc/self/mounts)MOUNTS");
        MountCount().Match(output).Groups[1].Value.ShouldNotBe("0", output);
        output.ShouldContain("Read-only file system");
        output.ShouldContain("rc=1");
        File.Exists(probe).ShouldBeFalse();
        output.ShouldContain("proc-visible", customMessage: "the host's root with its submounts is there to read");
        File.ReadAllText("/proc/self/mounts").ShouldNotContain(" /host ", customMessage: "the bind mount exists only in the shell's mount namespace");
    }

    [KernelFact]
    public async Task Without_a_host_filesystem_nothing_is_mounted_at_host()
    {
        await using var bed = new LocalShellBed();
        await bed.CreateAsync("nohost", "baseline");
        var output = await bed.RunAsync("nohost", "echo HOST-$(grep -c ' /host ' /proc/self/mounts)MOUNTS");
        MountCount().Match(output).Groups[1].Value.ShouldBe("0", output);
    }

    [KernelFact]
    public async Task At_its_ttl_the_shell_and_everything_it_started_are_gone()
    {
        await using var bed = new LocalShellBed();
        await bed.CreateAsync("ttl", "baseline", ttl: "4s");
        var shellPid = bed.Reconciler.ShellOf(new ObjectKey("default", "ttl"))!.Pid;

        // Stay attached (input never ends) with a background child the shell does not wait for.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = new AnonymousPipeClientStream(PipeDirection.In, pipe.ClientSafePipeHandle);
        var output = new CapturingStream();
        var attached = AttachClient.RunAsync(LocalShellPaths.Socket(bed.State, "default", "ttl"), reader, output, terminal: false, CancellationToken.None);
        await pipe.WriteAsync(Encoding.UTF8.GetBytes("sleep 600 & echo child=$!\n"));
        await pipe.FlushAsync();
        var child = int.Parse((await Until.ValueAsync(() => Task.FromResult(ChildPid().Match(output.Text)), m => m.Success, "the child's pid is printed")).Groups[1].Value);

        var expired = await bed.PhaseAsync("ttl", ShellPhase.Expired);
        expired.Status!.Conditions!.Single(c => c.Type == "Ready").Reason.ShouldBe("TtlExpired");
        await Until.TrueAsync(() => Gone(shellPid) && Gone(child), "the shell and its child are killed");
        (await attached.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe(0, "the attached client sees the end of the shell");
        File.Exists(LocalShellPaths.Socket(bed.State, "default", "ttl")).ShouldBeFalse();
    }

    [KernelFact]
    public async Task Deleting_the_session_ends_its_shell()
    {
        await using var bed = new LocalShellBed();
        await bed.CreateAsync("del", "baseline");
        var pid = bed.Reconciler.ShellOf(new ObjectKey("default", "del"))!.Pid;
        await bed.Store.DeleteAsync<Api.ShellSession.ShellSession>("del", "default", CancellationToken.None);
        await Until.TrueAsync(() => Gone(pid), "the shell is killed");
        await Until.TrueAsync(async () => await bed.Store.GetAsync<Api.ShellSession.ShellSession>("del", "default", CancellationToken.None) is null, "the session goes");
    }

    [Fact]
    public async Task A_pod_target_or_another_node_is_refused_in_local_mode_with_the_field()
    {
        await using var bed = new LocalShellBed();
        var s = new Api.ShellSession.ShellSession { ApiVersion = "retina.sh/v1alpha1", Kind = "ShellSession" };
        s.Metadata.Name = "other";
        s.Metadata.NamespaceProperty = "default";
        s.Spec.Target.NodeName = "node-9";
        s.Spec.Ttl = "1m";
        await bed.Store.CreateAsync(s, CancellationToken.None);
        var failed = await bed.PhaseAsync("other", ShellPhase.Failed);
        failed.Status!.Conditions!.Single(c => c.Type == "Ready").Message.ShouldStartWith("spec.target.nodeName");
    }

    private static bool Gone(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            // A zombie has ended; only its parent's wait is left.
            return !File.Exists(stat) || File.ReadAllText(stat).Split(')')[1].Trim().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string CapLine(string output, string set) =>
        Regex.Match(output, set + @":\s*([0-9a-f]{16})").Groups[1].Value;

    [GeneratedRegex(@"child=(\d+)")]
    private static partial Regex ChildPid();

    [GeneratedRegex(@"HOST-(\d+)MOUNTS")]
    private static partial Regex MountCount();

    private sealed class CapturingStream : Stream
    {
        private readonly StringBuilder text = new();

        public string Text
        {
            get
            {
                lock (text)
                {
                    return text.ToString();
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => 0;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (text)
            {
                text.Append(Encoding.UTF8.GetString(buffer, offset, count));
            }
        }
    }
}
