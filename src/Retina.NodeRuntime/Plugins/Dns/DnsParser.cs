using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Retina.NodeRuntime.Plugins.Dns;

/// <summary>
/// Parses DNS messages captured from the wire. Input is hostile: every read is bounds-checked,
/// compression pointers may only jump backwards and at most 16 times, names stop at 255 bytes,
/// and at most 32 answers are read. Malformed input returns false; nothing is thrown.
/// </summary>
public static class DnsParser
{
    private const int MaxNameLength = 255;
    private const int MaxJumps = 16;
    private const int MaxAnswers = 32;

    /// <summary>Most messages read from one TCP segment: pipelined queries are few, the rest is hostile input.</summary>
    public const int MaxMessagesPerSegment = 16;

    /// <summary>
    /// Parses the DNS messages a TCP segment's payload starts with: each is preceded by its two-byte
    /// length (RFC 1035 §4.2.2, RFC 7766 §8). A message longer than what the segment (or the capture)
    /// holds is parsed from what is there, like a truncated UDP message. Stops at the first length
    /// that cannot start a message (under 12 bytes: a segment that begins mid-message) or that does
    /// not parse, and after <see cref="MaxMessagesPerSegment"/> messages.
    /// </summary>
    /// <returns>How many messages were added to <paramref name="messages"/>.</returns>
    public static int ParseTcpSegment(ReadOnlySpan<byte> payload, List<DnsMessage> messages)
    {
        var found = 0;
        while (found < MaxMessagesPerSegment && payload.Length >= 2 + 12)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(payload);
            if (length < 12)
            {
                break;
            }

            var available = Math.Min(length, payload.Length - 2);
            if (!TryParse(payload.Slice(2, available), out var message) || message is null)
            {
                break;
            }

            messages.Add(message);
            found++;
            payload = payload[(2 + available)..];
        }

        return found;
    }

    public static bool TryParse(ReadOnlySpan<byte> msg, out DnsMessage? message)
    {
        message = null;
        if (msg.Length < 12)
        {
            return false;
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(msg);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(msg[2..]);
        var qd = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(msg[6..]);
        var isResponse = (flags & 0x8000) != 0;
        var rcode = flags & 0x000f;
        if (qd == 0)
        {
            // Some servers answer FORMERR without a question.
            if (!isResponse)
            {
                return false;
            }

            message = new DnsMessage(id, true, rcode, "", 0, an, []);
            return true;
        }

        var pos = 12;
        var name = new StringBuilder(64);
        if (!TryReadName(msg, ref pos, name) || pos + 4 > msg.Length)
        {
            return false;
        }

        var qtype = BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]);
        pos += 4;

        // Skip any further questions (almost never present).
        for (var i = 1; i < qd; i++)
        {
            if (!TryReadName(msg, ref pos, null) || pos + 4 > msg.Length)
            {
                return false;
            }

            pos += 4;
        }

        var addresses = new List<string>();
        uint? minTtl = null;
        if (isResponse)
        {
            for (var i = 0; i < Math.Min((int)an, MaxAnswers); i++)
            {
                if (!TryReadName(msg, ref pos, null) || pos + 10 > msg.Length)
                {
                    break; // keep what the header and question told us
                }

                var type = BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]);
                var ttl = BinaryPrimitives.ReadUInt32BigEndian(msg[(pos + 4)..]);
                var rdlength = BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 8)..]);
                pos += 10;
                if (pos + rdlength > msg.Length)
                {
                    break;
                }

                minTtl = minTtl is { } m ? Math.Min(m, ttl) : ttl;
                if ((type == 1 && rdlength == 4) || (type == 28 && rdlength == 16))
                {
                    addresses.Add(new IPAddress(msg.Slice(pos, rdlength)).ToString());
                }

                pos += rdlength;
            }
        }

        message = new DnsMessage(id, isResponse, rcode, name.ToString(), qtype, an, addresses) { MinTtl = minTtl };
        return true;
    }

    /// <summary>Reads a possibly compressed name; appends it (lower case, printable, trailing dot) when <paramref name="into"/> is given.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> msg, ref int pos, StringBuilder? into)
    {
        var p = pos;
        var jumps = 0;
        var length = 0;
        var endAfterFirstJump = -1;
        while (true)
        {
            if (p >= msg.Length)
            {
                return false;
            }

            var len = msg[p];
            if ((len & 0xc0) == 0xc0)
            {
                if (p + 1 >= msg.Length || ++jumps > MaxJumps)
                {
                    return false;
                }

                var target = ((len & 0x3f) << 8) | msg[p + 1];
                if (target >= p)
                {
                    return false; // forward or self pointers are how loops are built
                }

                if (endAfterFirstJump < 0)
                {
                    endAfterFirstJump = p + 2;
                }

                p = target;
                continue;
            }

            if ((len & 0xc0) != 0)
            {
                return false; // 0x40 and 0x80 label types are obsolete
            }

            p++;
            if (len == 0)
            {
                break;
            }

            if (p + len > msg.Length || (length += len + 1) > MaxNameLength)
            {
                return false;
            }

            if (into is not null)
            {
                foreach (var b in msg.Slice(p, len))
                {
                    into.Append(b is >= 0x21 and < 0x7f and not (byte)'"' and not (byte)'\\' ? char.ToLowerInvariant((char)b) : '?');
                }

                into.Append('.');
            }

            p += len;
        }

        if (into is not null && into.Length == 0)
        {
            into.Append('.');
        }

        pos = endAfterFirstJump >= 0 ? endAfterFirstJump : p;
        return true;
    }
}
