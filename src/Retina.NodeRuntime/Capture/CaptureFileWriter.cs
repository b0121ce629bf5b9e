using Retina.Native.Packet;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Writes a capture's packets to pcap or pcapng files and enforces the file limits exactly: packet count, the size of each
/// file, rotation (a ring of <c>fileCount</c> files of that size, oldest deleted, as tcpdump -C/-W) and the node's disk budget. Not thread-safe: the session serialises calls.
/// </summary>
internal sealed class CaptureFileWriter : IDisposable
{
    private readonly string directory;
    private readonly string baseName;
    private readonly IReadOnlyList<CaptureInterface> interfaces;
    private readonly CaptureFileFormat format;
    private readonly int snapLength;
    private readonly long maxBytes;
    private readonly long? maxPackets;
    private readonly int fileCount;
    private readonly long perFileLimit;
    private readonly DiskBudget budget;
    private readonly Queue<(string Path, long Bytes)> closed = new();
    private readonly int headerLength;
    private ICaptureFile? current;
    private int sequence;
    private long reserved;
    private long closedBytes;

    public CaptureFileWriter(string directory, string baseName, IReadOnlyList<CaptureInterface> interfaces, CaptureRequest request, DiskBudget budget)
    {
        this.directory = directory;
        this.baseName = baseName;
        this.interfaces = interfaces;
        snapLength = request.PacketSize;
        maxBytes = request.MaxCaptureSizeBytes;
        maxPackets = request.MaxPackets;
        fileCount = Math.Max(1, request.FileCount);
        // maxCaptureSize is each file's limit, as in Retina (its sample: total = maxCaptureSize × fileCount).
        perFileLimit = maxBytes;
        this.budget = budget;
        format = CaptureFileFormat.For(request.OutputFormat, interfaces, snapLength);
        headerLength = format.HeaderLength;
    }

    public long Packets { get; private set; }

    public long WireBytes { get; private set; }

    /// <summary>Bytes of capture files currently on disk.</summary>
    public long FileBytes => closedBytes + (current?.Length ?? 0);

    public bool Dirty { get; private set; }

    /// <summary>Opens the first file so an empty capture still yields a readable file.</summary>
    public CaptureWriteOutcome Open() => current is null ? OpenNext() : CaptureWriteOutcome.Written;

    public CaptureWriteOutcome Write(int interfaceId, in PacketView packet)
    {
        if (maxPackets is { } limit && Packets >= limit)
        {
            return CaptureWriteOutcome.MaxPacketsReached;
        }

        var data = packet.Data.Length > snapLength ? packet.Data[..snapLength] : packet.Data;
        uint? vlan = packet.VlanValid && interfaces[interfaceId].LinkType == Native.Libpcap.PcapLinkType.Ethernet
            ? 0x81000000u | packet.VlanTci
            : null;
        var block = format.RecordLength(interfaceId, data.Length, vlan is not null);
        if (current is null)
        {
            var opened = OpenNext();
            if (opened != CaptureWriteOutcome.Written)
            {
                return opened;
            }
        }

        if (current!.Length + block > perFileLimit)
        {
            if (fileCount == 1 || headerLength + block > perFileLimit)
            {
                return CaptureWriteOutcome.MaxCaptureSizeReached;
            }

            var rotated = OpenNext();
            if (rotated != CaptureWriteOutcome.Written)
            {
                return rotated;
            }
        }

        if (!budget.TryReserve(block))
        {
            return CaptureWriteOutcome.DiskBudgetExceeded;
        }

        reserved += block;
        current!.Write(interfaceId, packet.TimestampNanoseconds, data, packet.OriginalLength, vlan, packet.PacketType);
        Packets++;
        WireBytes += packet.OriginalLength;
        Dirty = true;
        return maxPackets is { } max && Packets >= max ? CaptureWriteOutcome.WrittenAndMaxPacketsReached : CaptureWriteOutcome.Written;
    }

    public void Flush()
    {
        current?.Flush();
        Dirty = false;
    }

    /// <summary>Closes the current file and returns every capture file left, oldest first.</summary>
    public IReadOnlyList<string> Complete()
    {
        if (current is not null)
        {
            closed.Enqueue((current.Path, current.Length));
            closedBytes += current.Length;
            current.Dispose();
            current = null;
        }

        return closed.Select(c => c.Path).ToList();
    }

    /// <summary>Gives the budget back once the files are archived and deleted.</summary>
    public void ReleaseBudget()
    {
        budget.Release(reserved);
        reserved = 0;
    }

    public void Dispose()
    {
        current?.Dispose();
        current = null;
    }

    private CaptureWriteOutcome OpenNext()
    {
        if (!budget.TryReserve(headerLength))
        {
            return CaptureWriteOutcome.DiskBudgetExceeded;
        }

        reserved += headerLength;
        if (current is not null)
        {
            closed.Enqueue((current.Path, current.Length));
            closedBytes += current.Length;
            current.Dispose();
        }

        while (closed.Count >= fileCount)
        {
            var (path, bytes) = closed.Dequeue();
            closedBytes -= bytes;
            File.Delete(path);
            budget.Release(bytes);
            reserved -= bytes;
        }

        var name = fileCount == 1 ? baseName + format.Extension : $"{baseName}.{sequence:D4}{format.Extension}";
        sequence++;
        current = format.Open(Path.Combine(directory, name));
        return CaptureWriteOutcome.Written;
    }
}
