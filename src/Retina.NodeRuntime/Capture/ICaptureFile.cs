namespace Retina.NodeRuntime.Capture;

/// <summary>One open capture file (pcap or pcapng): its size is known before each write, so limits can be exact.</summary>
internal interface ICaptureFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Writes one packet; <paramref name="vlanTag"/> (TPID and TCI) is put back after the MAC addresses when the NIC stripped it.</summary>
    void Write(int interfaceId, long timestampNs, ReadOnlySpan<byte> data, int originalLength, uint? vlanTag, byte packetType);

    void Flush();
}
