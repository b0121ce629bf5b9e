using System.Net;
using k8s.Models;
using Retina.NodeRuntime.Plugins.ApiServerLatency;

namespace Retina.NodeRuntime.Tests.Plugins.ApiServerLatency;

public sealed class ApiServerLatencySettingsTests
{
    [Fact]
    public void Every_bad_setting_is_reported_by_its_key_at_once()
    {
        var parsed = ApiServerLatencySettings.Parse(new Dictionary<string, string>
        {
            ["endpoints"] = "10.0.0.1:6443, 10.0.0.2, fd00::1:443, host:443",
            ["interval"] = "10",
            ["timeout"] = "5m",
            ["maxConcurrency"] = "many",
            ["request"] = "grpc",
            ["discover"] = "yes",
            ["interfaces"] = "eth0",
        }, out var problems);

        parsed.ShouldBeNull();
        problems.ShouldBe(
        [
            "settings.interfaces: unknown setting (known: endpoints, interval, timeout, maxConcurrency, request, discover)",
            "settings.endpoints: \"10.0.0.2\" is not an address:port (e.g. 10.0.0.1:6443 or [fd00::1]:443)",
            "settings.endpoints: \"fd00::1:443\" is not an address:port (e.g. 10.0.0.1:6443 or [fd00::1]:443)",
            "settings.endpoints: \"host:443\" is not an address:port (e.g. 10.0.0.1:6443 or [fd00::1]:443)",
            "settings.interval: \"10\" must be a duration from 100ms to 10m (e.g. 500ms, 10s, 1m)",
            "settings.timeout: \"5m\" must be a duration from 10ms to 1m (e.g. 500ms, 10s, 1m)",
            "settings.maxConcurrency: \"many\" must be a whole number from 1 to 64",
            "settings.request: \"grpc\" must be tls or http",
            "settings.discover: \"yes\" must be true or false",
        ]);
    }

    [Fact]
    public void Defaults_apply_when_nothing_is_set_and_are_described()
    {
        var parsed = ApiServerLatencySettings.Parse(new Dictionary<string, string>(), out var problems);

        problems.ShouldBeEmpty();
        parsed.ShouldNotBeNull();
        parsed.Endpoints.ShouldBeEmpty();
        parsed.Discover.ShouldBeTrue();
        parsed.Describe().ShouldBe("tls probe every 10s, timeout 2s, at most 4 at once");
    }

    [Fact]
    public void Valid_settings_parse_into_endpoints_durations_and_limits()
    {
        var parsed = ApiServerLatencySettings.Parse(new Dictionary<string, string>
        {
            ["endpoints"] = "10.0.0.1:6443,[fd00::1]:443,10.0.0.1:6443",
            ["interval"] = "1.5s",
            ["timeout"] = "250ms",
            ["maxConcurrency"] = "2",
            ["request"] = "http",
            ["discover"] = "false",
        }, out var problems);

        problems.ShouldBeEmpty();
        parsed!.Endpoints.ShouldBe([IPEndPoint.Parse("10.0.0.1:6443"), IPEndPoint.Parse("[fd00::1]:443")]);
        parsed.Interval.ShouldBe(TimeSpan.FromMilliseconds(1500));
        parsed.Timeout.ShouldBe(TimeSpan.FromMilliseconds(250));
        parsed.MaxConcurrency.ShouldBe(2);
        parsed.Request.ShouldBe(ProbeRequest.Http);
        parsed.Discover.ShouldBeFalse();
    }

    [Fact]
    public void The_kubernetes_endpoint_slice_gives_ready_addresses_on_its_tcp_ports()
    {
        var slice = new V1EndpointSlice
        {
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "https", Port = 6443, Protocol = "TCP" }],
            Endpoints =
            [
                new V1Endpoint { Addresses = ["10.0.0.10"], Conditions = new V1EndpointConditions { Ready = true } },
                new V1Endpoint { Addresses = ["10.0.0.11"] },
                new V1Endpoint { Addresses = ["10.0.0.12"], Conditions = new V1EndpointConditions { Ready = false } },
            ],
        };

        ApiServerEndpointFeed.Endpoints(slice).ShouldBe([IPEndPoint.Parse("10.0.0.10:6443"), IPEndPoint.Parse("10.0.0.11:6443")]);
    }

    [Fact]
    public void The_client_hello_is_one_tls_handshake_record_of_the_length_it_declares()
    {
        var hello = TlsClientHello.Build();

        hello[0].ShouldBe((byte)0x16);
        ((hello[3] << 8) | hello[4]).ShouldBe(hello.Length - 5);
        hello[5].ShouldBe((byte)0x01);
        ((hello[6] << 16) | (hello[7] << 8) | hello[8]).ShouldBe(hello.Length - 9);
    }
}
