using System.Diagnostics;
using k8s.Models;
using Retina.Kube.Leader;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Leader;

public sealed class LeaderElectionTests
{
    [Fact]
    public async Task Of_two_instances_one_leads_and_when_it_dies_the_other_takes_over_within_the_lease()
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
        killedAt.Elapsed.ShouldBeLessThan(lease + TimeSpan.FromSeconds(3));
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
}
