namespace Retina.Api.MetricsConfiguration;

/// <summary>The label tokens a context option may name (Retina's tokens).</summary>
public static class MetricLabels
{
    public const string Ip = "ip";
    public const string Namespace = "namespace";
    public const string PodName = "podname";
    public const string Workload = "workload";
    public const string Service = "service";
    public const string Port = "port";
    public const string Zone = "zone";
    public const string Direction = "direction";
    public const string IsReply = "is_reply";

    /// <summary>Order in which context labels are emitted, whatever order the user wrote them in.</summary>
    public static readonly string[] ContextOrder = [Ip, Namespace, PodName, Workload, Service, Port, Zone];
}
