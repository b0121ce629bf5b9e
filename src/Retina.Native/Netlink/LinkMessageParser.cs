using System.Buffers.Binary;
using System.Text;

namespace Retina.Native.Netlink;

/// <summary>
/// Reads RTM_NEWLINK messages from an rtnetlink dump. Pure managed parsing over bytes the kernel
/// wrote: a malformed message is skipped (counted in <see cref="Skipped"/>), never a crash.
/// </summary>
public sealed class LinkMessageParser
{
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort RtmNewLink = 16;

    private const int NlmsgHeaderSize = 16;
    private const int IfinfomsgSize = 16;
    private const ushort IflaIfname = 3;
    private const ushort IflaLink = 5;
    private const ushort IflaMaster = 10;
    private const ushort IflaLinkinfo = 18;
    private const ushort IflaLinkNetnsid = 37;
    private const ushort IflaInfoKind = 1;
    private const ushort NlaTypeMask = 0x3fff;

    public List<LinkInfo> Links { get; } = [];

    /// <summary>Messages that could not be read.</summary>
    public int Skipped { get; private set; }

    /// <summary>True once NLMSG_DONE was read.</summary>
    public bool Done { get; private set; }

    /// <summary>The errno of an NLMSG_ERROR answer (positive), or 0.</summary>
    public int Error { get; private set; }

    /// <summary>Reads one datagram: several netlink messages, each aligned to 4 bytes.</summary>
    public void Feed(ReadOnlySpan<byte> datagram)
    {
        while (datagram.Length >= NlmsgHeaderSize)
        {
            var len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            if (len < NlmsgHeaderSize || len > datagram.Length)
            {
                Skipped++;
                return;
            }

            var body = datagram[NlmsgHeaderSize..(int)len];
            switch (type)
            {
                case NlmsgDone:
                    Done = true;
                    return;
                case NlmsgError:
                    var errno = body.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(body) : -1;
                    if (errno != 0)
                    {
                        Error = -errno;
                        Done = true;
                        return;
                    }

                    break;
                case RtmNewLink:
                    if (TryReadLink(body) is { } link)
                    {
                        Links.Add(link);
                    }
                    else
                    {
                        Skipped++;
                    }

                    break;
            }

            var next = Align((int)len);
            if (next >= datagram.Length)
            {
                return;
            }

            datagram = datagram[next..];
        }
    }

    private static int Align(int n) => (n + 3) & ~3;

    private static LinkInfo? TryReadLink(ReadOnlySpan<byte> body)
    {
        if (body.Length < IfinfomsgSize)
        {
            return null;
        }

        var hardware = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        var index = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        string? name = null;
        var kind = "";
        uint? link = null;
        uint? master = null;
        int? netnsId = null;
        foreach (var (type, value) in Attributes(body[IfinfomsgSize..]))
        {
            switch (type)
            {
                case IflaIfname:
                    name = CString(value);
                    break;
                case IflaLink when value.Length >= 4:
                    link = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case IflaMaster when value.Length >= 4:
                    master = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case IflaLinkNetnsid when value.Length >= 4:
                    netnsId = BinaryPrimitives.ReadInt32LittleEndian(value);
                    break;
                case IflaLinkinfo:
                    foreach (var (t, v) in Attributes(value))
                    {
                        if (t == IflaInfoKind)
                        {
                            kind = CString(v);
                        }
                    }

                    break;
            }
        }

        return index <= 0 || string.IsNullOrEmpty(name) ? null : new LinkInfo((uint)index, name, kind, flags, link, netnsId, master, hardware);
    }

    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> span)
    {
        var list = new List<(ushort, byte[])>();
        while (span.Length >= 4)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(span);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) & NlaTypeMask);
            if (len < 4 || len > span.Length)
            {
                break;
            }

            list.Add((type, span[4..len].ToArray()));
            var next = Align(len);
            if (next >= span.Length)
            {
                break;
            }

            span = span[next..];
        }

        return list;
    }

    private static string CString(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
    }
}
