using k8s.Models;
using Retina.Api.Capture;
using Retina.Api.Common;
using CaptureObject = Retina.Api.Capture.Capture;

namespace Retina.Controllers.Tests.Support;

/// <summary>Small builders for the objects controller tests create.</summary>
public static class Objects
{
    public static V1Pod Pod(string ns, string name, string node, string ip, Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels ?? new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "x" }] },
        Status = new V1PodStatus { Phase = "Running", PodIP = ip, PodIPs = [new V1PodIP { Ip = ip }] },
    };

    public static V1Secret Secret(string ns, string name, Dictionary<string, string> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Data = data.ToDictionary(kv => kv.Key, kv => System.Text.Encoding.UTF8.GetBytes(kv.Value)),
    };

    public static CaptureObject NodeCapture(string ns, string name, string duration = "1m", Dictionary<string, string>? nodeLabels = null)
    {
        var c = new CaptureObject();
        c.Metadata.Name = name;
        c.Metadata.NamespaceProperty = ns;
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { NodeSelector = new LabelSelector { MatchLabels = nodeLabels } };
        c.Spec.CaptureConfiguration.CaptureOption = new CaptureOption { Duration = duration, PcapFilter = "udp port 53" };
        c.Spec.OutputConfiguration.HostPath = "out";
        return c;
    }

    public static CaptureObject PodCapture(string ns, string name, string app = "web")
    {
        var c = NodeCapture(ns, name);
        c.Spec.CaptureConfiguration.CaptureTarget = new CaptureTarget { PodSelector = new LabelSelector { MatchLabels = new() { ["app"] = app } } };
        return c;
    }
}
