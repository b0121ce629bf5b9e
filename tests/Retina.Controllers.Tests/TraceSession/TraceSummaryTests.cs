using Retina.Api.TraceSession;
using Retina.Controllers.TraceSession;

namespace Retina.Controllers.Tests.TraceSession;

/// <summary>The pure parts: top lists merged across nodes, counters summed, the status write pacing, the Events' wording.</summary>
public sealed class TraceSummaryTests
{
    private static TraceCount C(string value, long count, params string[] pods) => new() { Value = value, Count = count, Pods = pods.Length == 0 ? null : [.. pods] };

    [Fact]
    public void Tops_are_summed_by_value_ordered_by_count_then_value_and_cut_at_ten()
    {
        var node1 = Enumerable.Range(0, 10).Select(i => C($"R{i:00}", 10 + i, "ns/a")).ToList();
        var node2 = new List<TraceCount> { C("R00", 100, "ns/b"), C("EXTRA", 1, "ns/c") };

        var merged = TraceTopLists.Merge([node1, node2, null])!;

        merged.Count.ShouldBe(10);
        merged[0].Value.ShouldBe("R00");
        merged[0].Count.ShouldBe(110);
        merged[0].Pods.ShouldBe(["ns/b", "ns/a"]);
        merged[1].Value.ShouldBe("R09");
        merged.ShouldNotContain(c => c.Value == "EXTRA", "the 11th value is cut");
        merged[^1].Value.ShouldBe("R01", "R01 (11) is the smallest of the ten kept");
    }

    [Fact]
    public void Pods_of_a_value_are_cut_at_five_and_ties_go_by_name()
    {
        var merged = TraceTopLists.Merge([[C("X", 6, "p/f", "p/e", "p/d", "p/c", "p/b", "p/a")]])!;
        merged.Single().Pods.ShouldBe(["p/a", "p/b", "p/c", "p/d", "p/e"]);
        TraceTopLists.Merge([null, []]).ShouldBeNull();
    }

    [Fact]
    public void Counters_are_summed_by_key()
    {
        TraceTopLists.Sum([new Dictionary<string, long> { ["a"] = 1, ["b"] = 2 }, null, new Dictionary<string, long> { ["a"] = 4 }])
            .ShouldBe(new Dictionary<string, long> { ["a"] = 5, ["b"] = 2 }, ignoreOrder: true);
        TraceTopLists.Sum([null]).ShouldBeNull();
    }

    [Fact]
    public void Counter_only_changes_wait_for_the_interval_and_shape_changes_go_out_at_once()
    {
        var pacer = new TraceStatusPacer(TimeSpan.FromSeconds(5));
        var t0 = new DateTime(2026, 12, 2, 5, 0, 0, DateTimeKind.Utc);
        pacer.MayWrite("k", urgent: false, t0, out _).ShouldBeTrue("the first write goes out");
        pacer.Wrote("k", t0);

        pacer.MayWrite("k", urgent: false, t0.AddSeconds(2), out var wait).ShouldBeFalse();
        wait.ShouldBe(TimeSpan.FromSeconds(3));
        pacer.MayWrite("k", urgent: true, t0.AddSeconds(2), out _).ShouldBeTrue("a phase change is not held back");
        pacer.MayWrite("k", urgent: false, t0.AddSeconds(5), out _).ShouldBeTrue();
        pacer.MayWrite("other", urgent: false, t0.AddSeconds(1), out _).ShouldBeTrue("each trace has its own pace");

        var s = new TraceSessionStatus { Phase = "Running", EventCount = 1 };
        var shape = TraceStatusPacer.Shape(s);
        s.EventCount = 99;
        TraceStatusPacer.Shape(s).ShouldBe(shape, "counters alone do not change the shape");
        s.TopDropReason = "NO_SOCKET";
        TraceStatusPacer.Shape(s).ShouldNotBe(shape);
    }

    [Fact]
    public void Events_name_each_new_drop_reason_and_dns_failure_with_its_pods()
    {
        var before = new TraceSessionStatus { TopDropReasons = [C("NO_SOCKET", 1, "default/web")] };
        var after = new TraceSessionStatus
        {
            TopDropReasons = [C("NETFILTER_DROP", 12, "default/web", "default/api"), C("NO_SOCKET", 3, "default/web")],
            TopDnsFailures = [C("nope.example. NXDOMAIN", 2, "default/client")],
        };

        TraceEvents.New(before, after).Select(f => $"{f.Reason}: {f.Message}").ShouldBe([
            "DropsSeen: drops: 12 NETFILTER_DROP on default/web, default/api",
            "DnsFailuresSeen: dns failures: 2 nope.example. NXDOMAIN from default/client",
        ]);
        TraceEvents.New(after, after).ShouldBeEmpty("nothing new, nothing said");
    }
}
