namespace Retina.Native.Libpcap;

/// <summary>libpcap refused a filter expression; the message is libpcap's own explanation.</summary>
public sealed class PcapFilterException(string filter, string message)
    : Exception($"invalid packet filter \"{filter}\": {message}")
{
    public string Filter { get; } = filter;

    public string PcapMessage { get; } = message;
}
