using Microsoft.Extensions.Time.Testing;
using Retina.Kube.Queue;

namespace Retina.Kube.Tests.Queue;

public sealed class WorkQueueTests
{
    // Per test (xunit makes an instance per test), so a slow class never inherits an expired token.
    private readonly CancellationToken Timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task A_key_added_many_times_is_queued_once()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Depth.ShouldBe(2);
        (await queue.TakeAsync(Timeout)).ShouldBe("a");
        (await queue.TakeAsync(Timeout)).ShouldBe("b");
        queue.Depth.ShouldBe(0);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done_and_then_runs_once_more()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        var first = await queue.TakeAsync(Timeout);
        queue.Add("a");
        queue.Add("a");
        queue.Depth.ShouldBe(0);

        var second = queue.TakeAsync(Timeout);
        second.IsCompleted.ShouldBeFalse();
        queue.Done(first);
        (await second).ShouldBe("a");
        queue.Done("a");
        queue.Depth.ShouldBe(0);
    }

    [Fact]
    public void A_failing_key_backs_off_exponentially_up_to_the_cap_and_forget_resets_it()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) }, time);
        var delays = Enumerable.Range(0, 6).Select(_ => queue.AddRateLimited("a").TotalMilliseconds).ToList();
        delays.ShouldBe([100, 200, 400, 800, 1000, 1000]);
        queue.Forget("a");
        queue.AddRateLimited("a").ShouldBe(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Add_after_hands_the_key_out_only_once_the_delay_has_passed()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(timeProvider: time);
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        var take = queue.TakeAsync(Timeout);
        time.Advance(TimeSpan.FromSeconds(4));
        take.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        (await take).ShouldBe("a");
        queue.Done("a");
        time.Advance(TimeSpan.FromSeconds(10));
        queue.Depth.ShouldBe(0);
    }

    [Fact]
    public async Task Shutting_down_releases_waiting_workers()
    {
        using var queue = new WorkQueue<string>();
        var take = queue.TakeAsync(Timeout);
        queue.ShutDown();
        await Should.ThrowAsync<OperationCanceledException>(() => take);
        queue.Add("a");
        queue.Depth.ShouldBe(0);
    }
}
