namespace Retina.Api.TraceSession;

/// <summary>The event kinds a TraceSession can record.</summary>
public static class TraceEventKinds
{
    public const string Drop = "drop";
    public const string Dns = "dns";
    public const string TcpRetrans = "tcpretrans";
    public const string TcpReset = "tcpreset";
    public const string Connect = "connect";
}
