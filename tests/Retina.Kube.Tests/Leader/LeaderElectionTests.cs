using System.Diagnostics;
using k8s.Models;
using Retina.Kube.Leader;
using Retina.Kube.Tests.TestSupport;
using Retina.Testing.FakeKubeApi;

namespace Retina.Kube.Tests.Leader;

public sealed class LeaderElectionTests
{
    [Fact]
    public async Task Of_two_instances_one_leads_and_when_it_dies_the_other_takes_over_only_once_the_lease_has_run_out()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var lease = TimeSpan.FromSeconds(2);
        LeaderElector Elector(string id) => new(ctx.Client, new LeaderElectionOptions
        {
            LeaseName = "controllers",
            Namespace = ctx.Namespace,
            Identity = id,
            LeaseDuration = lease,
            RenewDeadline = TimeSpan.FromSeconds(1.5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
            ReleaseOnCancel = false,
        });

        var a = Elector("a");
        var b = Elector("b");
        using var killA = CancellationTokenSource.CreateLinkedTokenSource(ctx.Token);
        using var killB = CancellationTokenSource.CreateLinkedTokenSource(ctx.Token);
        var leading = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        Func<CancellationToken, Task> Work(string id) => async ct =>
        {
            leading[id] = true;
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                leading[id] = false;
            }
        };

        var runA = a.RunAsync(Work("a"), killA.Token);
        await Until.TrueAsync(() => a.IsLeader, "the first instance leads");
        var runB = b.RunAsync(Work("b"), killB.Token);
        await Until.TrueAsync(() => b.CurrentLeader == "a", "the second instance sees the leader");
        b.IsLeader.ShouldBeFalse();

        // Kill the leader without releasing the lease, as a crashed process would.
        var killedAt = Stopwatch.StartNew();
        await killA.CancelAsync();
        (await runA).ShouldBeFalse();
        await Until.TrueAsync(() => b.IsLeader && leading.GetValueOrDefault("b"), "the standby takes over");
        // Safety, not speed: the standby must not take a lease that could still be valid for the dead leader
        // (it last saw a renewal at most one retry period before the kill). A slow machine only makes this larger.
        killedAt.Elapsed.ShouldBeGreaterThan(lease - TimeSpan.FromMilliseconds(2 * 200));
        leading["a"].ShouldBeFalse();

        var stored = await ctx.Client.GetAsync<V1Lease>("controllers", ctx.Namespace, ctx.Token);
        stored!.Spec.HolderIdentity.ShouldBe("b");
        stored.Spec.LeaseTransitions.ShouldBe(1);
        await killB.CancelAsync();
        await runB;
    }

    [Fact]
    public async Task A_leader_whose_lease_is_taken_stops_its_work_and_reports_the_loss()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var elector = new LeaderElector(ctx.Client, new LeaderElectionOptions
        {
            LeaseName = "controllers",
            Namespace = ctx.Namespace,
            Identity = "a",
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        });
        var lostRaised = false;
        elector.LeadershipLost += () => lostRaised = true;
        var workStopped = new TaskCompletionSource();
        var run = elector.RunAsync(async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                workStopped.TrySetResult();
            }
        }, ctx.Token);
        await Until.TrueAsync(() => elector.IsLeader, "it leads");

        // Someone else overwrites the lease (e.g. after a long GC pause of ours).
        await Leases.StealAsync(ctx.Client, ctx.Namespace, "controllers", "intruder", ctx.Token);

        (await run.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        await workStopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        lostRaised.ShouldBeTrue();
        elector.IsLeader.ShouldBeFalse();
    }
    [Fact]
    public async Task A_leader_shut_down_in_the_middle_of_a_renewal_stops_its_work_releases_the_lease_and_does_not_throw()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var elector = Elector(ctx, renewDeadline: TimeSpan.FromSeconds(10));
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(ctx.Token);
        var workStopped = new TaskCompletionSource();
        var run = elector.RunAsync(WorkUntilCancelled(workStopped), shutdown.Token);
        await Until.TrueAsync(() => elector.IsLeader, "it leads");

        // The next renewal hangs on the server, and the process is told to stop while it waits.
        ctx.Server.Faults.Add(new FakeFault { Verb = "get", Plural = "leases", Hang = TimeSpan.FromSeconds(30) });
        await Until.TrueAsync(() => ctx.Server.Faults.AllFired, "a renewal is in flight");
        await shutdown.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse("a shutdown is not a loss");
        await workStopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var stored = await ctx.Client.GetAsync<V1Lease>("controllers", ctx.Namespace, ctx.Token);
        stored!.Spec.HolderIdentity.ShouldBeNullOrEmpty("the lease is released so a standby need not wait it out");
    }

    [Fact]
    public async Task A_renewal_that_hangs_past_the_renew_deadline_fails_and_the_leader_steps_down()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var elector = Elector(ctx, renewDeadline: TimeSpan.FromSeconds(1));
        var workStopped = new TaskCompletionSource();
        var run = elector.RunAsync(WorkUntilCancelled(workStopped), ctx.Token);
        await Until.TrueAsync(() => elector.IsLeader, "it leads");

        // Every renewal now hangs far longer than the renew deadline: the leader must not keep leading on a stale lease.
        ctx.Server.Faults.Add(new FakeFault { Verb = "get", Plural = "leases", Hang = TimeSpan.FromSeconds(40), Times = 1000 });

        (await run.WaitAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue("leadership is lost when renewals cannot complete");
        await workStopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        elector.IsLeader.ShouldBeFalse();
    }

    private static LeaderElector Elector(KubeTestContext ctx, TimeSpan renewDeadline) => new(ctx.Client, new LeaderElectionOptions
    {
        LeaseName = "controllers",
        Namespace = ctx.Namespace,
        Identity = "a",
        LeaseDuration = renewDeadline + TimeSpan.FromSeconds(1),
        RenewDeadline = renewDeadline,
        RetryPeriod = TimeSpan.FromMilliseconds(100),
        ReleaseOnCancel = true,
    });

    private static Func<CancellationToken, Task> WorkUntilCancelled(TaskCompletionSource stopped) => async ct =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        finally
        {
            stopped.TrySetResult();
        }
    };
}
