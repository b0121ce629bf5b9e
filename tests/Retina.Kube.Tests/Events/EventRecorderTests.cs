using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Events;
using Retina.Kube.Tests.TestSupport;

namespace Retina.Kube.Tests.Events;

public sealed class EventRecorderTests
{
    [Fact]
    public async Task The_same_event_twice_bumps_the_count_of_one_event_and_a_different_one_creates_another()
    {
        await using var ctx = await KubeTestContext.StartAsync();
        var widget = await ctx.Client.CreateAsync(Widget.Create(ctx.Namespace, "w"), ctx.Token);
        var recorder = new EventRecorder(ctx.Client, "retina-controllers", "host-1");

        await recorder.RecordAsync(widget, EventRecorder.Warning, "TargetMissing", "no pod matches app=web", ctx.Token);
        await recorder.RecordAsync(widget, EventRecorder.Warning, "TargetMissing", "no pod matches app=web", ctx.Token);
        await recorder.RecordAsync(widget, EventRecorder.Warning, "TargetMissing", "no pod matches app=web", ctx.Token);
        await recorder.RecordAsync(widget, EventRecorder.Normal, "Started", "capture started", ctx.Token);

        var events = (await ctx.Client.ListAsync<Corev1Event>(new ListOptions { Namespace = ctx.Namespace }, ctx.Token)).Items;
        events.Count.ShouldBe(2);
        var missing = events.Single(e => e.Reason == "TargetMissing");
        missing.Count.ShouldBe(3);
        missing.InvolvedObject.Name.ShouldBe("w");
        missing.InvolvedObject.Kind.ShouldBe("Widget");
        missing.Source.Component.ShouldBe("retina-controllers");
        ctx.Server.RequestCount("create", "events").ShouldBe(2);
        ctx.Server.RequestCount("patch", "events").ShouldBe(2);
    }
}
