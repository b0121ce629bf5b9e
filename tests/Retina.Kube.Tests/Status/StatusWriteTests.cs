using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Status;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Status;

public sealed class StatusWriteTests
{
    [Fact]
    public async Task Conflicting_status_writers_converge_without_losing_either_write()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        var key = new ObjectKey(ctx.Namespace, "w");
        var now = DateTimeOffset.UtcNow;

        // Two writers, each owning its own condition, each bumping its counter 15 times concurrently.
        async Task Writer(string type)
        {
            for (var i = 1; i <= 15; i++)
            {
                var n = i;
                await ctx.Client.UpdateStatusAsync<Widget>(key, w =>
                {
                    w.Status ??= new WidgetStatus();
                    w.Status.Conditions ??= [];
                    return Conditions.Set(w.Status.Conditions, new V1Condition { Type = type, Status = "True", Reason = "Step" + n, Message = "" }, now);
                }, ctx.Token);
            }
        }

        await Task.WhenAll(Task.Run(() => Writer("A")), Task.Run(() => Writer("B")));

        var final = await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token);
        final!.Status!.Conditions!.OrderBy(c => c.Type).Select(c => c.Type + ":" + c.Reason).ShouldBe(["A:Step15", "B:Step15"]);
        final.Status.ObservedGeneration.ShouldBe(1);
        ctx.Server.RequestCount("patch", "widgets", "status").ShouldBeGreaterThanOrEqualTo(30);
    }

    [Fact]
    public async Task A_status_write_sets_observed_generation_and_an_unchanged_status_is_not_written()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        await ctx.Client.PatchAsync<Widget>("w", ctx.Namespace, KubePatch.Merge("""{"spec":{"size":4}}"""), ctx.Token);
        var key = new ObjectKey(ctx.Namespace, "w");

        var written = await ctx.Client.UpdateStatusAsync<Widget>(key, w => { (w.Status ??= new()).Phase = "Ready"; return true; }, ctx.Token);
        written!.Status!.ObservedGeneration.ShouldBe(2);
        var writes = ctx.Server.WriteCount("widgets");

        await ctx.Client.UpdateStatusAsync<Widget>(key, w => { w.Status!.Phase = "Ready"; return true; }, ctx.Token);
        ctx.Server.WriteCount("widgets").ShouldBe(writes);

        await ctx.Client.UpdateStatusAsync<Widget>(key, w => { w.Status!.Phase = null; return true; }, ctx.Token);
        (await ctx.Client.GetAsync<Widget>("w", ctx.Namespace, ctx.Token))!.Status!.Phase.ShouldBeNull();
        (await ctx.Client.UpdateStatusAsync<Widget>(new ObjectKey(ctx.Namespace, "missing"), _ => true, ctx.Token)).ShouldBeNull();
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_unless_its_status_changes()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<V1Condition>();
        Conditions.Set(list, new V1Condition { Type = "Ready", Status = "False", Reason = "Starting" }, t0).ShouldBeTrue();
        Conditions.Set(list, new V1Condition { Type = "Ready", Status = "False", Reason = "Starting" }, t0.AddMinutes(1)).ShouldBeFalse();
        Conditions.Set(list, new V1Condition { Type = "Ready", Status = "False", Reason = "StillStarting" }, t0.AddMinutes(2)).ShouldBeTrue();
        list.Single().LastTransitionTime.ShouldBe(t0.UtcDateTime);
        Conditions.Set(list, new V1Condition { Type = "Ready", Status = "True", Reason = "Up" }, t0.AddMinutes(3)).ShouldBeTrue();
        list.Single().LastTransitionTime.ShouldBe(t0.AddMinutes(3).UtcDateTime);

        var status = new JsonObject();
        JsonConditions.Set(status, "Ready", "False", "Starting", null, 1, t0).ShouldBeTrue();
        JsonConditions.Set(status, "Ready", "False", "Starting", null, 1, t0.AddMinutes(1)).ShouldBeFalse();
        JsonConditions.Set(status, "Ready", "False", "Other", "m", 2, t0.AddMinutes(2)).ShouldBeTrue();
        ((string?)JsonConditions.Find(status, "Ready")!["lastTransitionTime"]).ShouldBe("2026-01-01T00:00:00Z");
        JsonConditions.Set(status, "Ready", "True", "Up", null, 2, t0.AddMinutes(3)).ShouldBeTrue();
        ((string?)JsonConditions.Find(status, "Ready")!["lastTransitionTime"]).ShouldBe("2026-01-01T00:03:00Z");
    }
}
