using Retina.Api.NodeRuntime;
using Retina.Api.TraceSession;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Trace;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceFilterTests
{
    private static TraceRecord Udp(string from, string to, ushort dport, string kind = TraceEventKinds.Drop)
    {
        IpKey.TryParse(from, out var s).ShouldBeTrue();
        IpKey.TryParse(to, out var d).ShouldBeTrue();
        return new TraceRecord { Kind = kind, Source = s, Destination = d, SourcePort = 40000, DestinationPort = dport, Protocol = 17, IpVersion = 4 };
    }

    [Fact]
    public void An_event_needs_a_traced_end_its_kind_and_every_filter_list_set()
    {
        var f = new TraceFilter([TraceEventKinds.Drop], ["10.0.0.1"], false, new TraceFilters { Ips = ["192.168.0.0/16"], Ports = [53], Protocols = ["udp"] }, out var problem);
        problem.ShouldBeNull();
        f.Matches(Udp("10.0.0.1", "192.168.4.4", 53)).ShouldBeTrue();
        f.Matches(Udp("10.0.0.2", "192.168.4.4", 53)).ShouldBeFalse("neither end traced");
        f.Matches(Udp("10.0.0.1", "172.16.0.1", 53)).ShouldBeFalse("outside the CIDR");
        f.Matches(Udp("10.0.0.1", "192.168.4.4", 80)).ShouldBeFalse("another port");
        f.Matches(Udp("10.0.0.1", "192.168.4.4", 53, TraceEventKinds.Dns)).ShouldBeFalse("a kind not asked for");
    }

    [Fact]
    public void Bad_addresses_are_named_never_ignored()
    {
        _ = new TraceFilter(null, ["10.0.0.300"], false, null, out var p1);
        p1.ShouldBe("podIPs: '10.0.0.300' is not an IP address");
        _ = new TraceFilter(null, [], false, new TraceFilters { Ips = ["10.0.0.0/33"] }, out var p2);
        p2.ShouldBe("filters.ips: '10.0.0.0/33' is not an address or CIDR");
    }

    [Fact]
    public void An_invalid_assignment_fails_with_a_reason_and_writes_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("retina-trace-bad-").FullName;
        try
        {
            var trace = new NodeTrace(
                new NodeTraceAssignment { Key = "shop/t/u", Namespace = "shop", Name = "t", Duration = "soon", HostPath = "../etc" },
                new TraceRunnerOptions { NodeName = "n", CaptureBaseDirectory = dir }, new EnrichmentCache("n"), DateTimeOffset.UtcNow, null, 0);
            var status = trace.Report(0);
            status.Phase.ShouldBe("Failed");
            status.Reason.ShouldBe(TraceReasons.InvalidAssignment);
            status.Message.ShouldBe("duration 'soon' is not a positive duration such as 5m");
            Directory.EnumerateFileSystemEntries(dir).ShouldBeEmpty();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_host_path_escaping_the_base_fails_with_its_reason()
    {
        var dir = Directory.CreateTempSubdirectory("retina-trace-esc-").FullName;
        try
        {
            var status = new NodeTrace(
                new NodeTraceAssignment { Key = "shop/t/u", Namespace = "shop", Name = "t", HostPath = "../etc" },
                new TraceRunnerOptions { NodeName = "n", CaptureBaseDirectory = dir }, new EnrichmentCache("n"), DateTimeOffset.UtcNow, null, 0).Report(0);
            status.Phase.ShouldBe("Failed");
            status.Reason.ShouldBe(TraceReasons.HostPathOutsideBase);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
