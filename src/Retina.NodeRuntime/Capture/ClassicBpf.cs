using System.Buffers.Binary;
using Retina.Native.Libpcap;

namespace Retina.NodeRuntime.Capture;

/// <summary>
/// Runs a classic BPF program over a packet in user space, as the kernel's socket filter would: the result is the number
/// of bytes to keep (0 rejects). Used to replay the flight recorder's packets through a capture's filter.
/// </summary>
public static class ClassicBpf
{
    private const int MemoryWords = 16;

    /// <param name="packet">The bytes from the link-layer header on.</param>
    /// <param name="wireLength">The packet's length on the wire (what <c>len</c> loads).</param>
    public static uint Run(ReadOnlySpan<BpfInstruction> program, ReadOnlySpan<byte> packet, int wireLength)
    {
        uint a = 0, x = 0;
        Span<uint> mem = stackalloc uint[MemoryWords];
        mem.Clear();
        for (var pc = 0; pc < program.Length; pc++)
        {
            var i = program[pc];
            var k = i.K;
            switch (i.Code & 0x07)
            {
                case 0x00: // LD
                case 0x01: // LDX
                    {
                        var isX = (i.Code & 0x07) == 0x01;
                        uint value;
                        switch (i.Code & 0xe0)
                        {
                            case 0x00: value = k; break; // IMM
                            case 0x80: value = (uint)wireLength; break; // LEN
                            case 0x60: if (k >= MemoryWords) { return 0; } value = mem[(int)k]; break; // MEM
                            case 0x20: // ABS
                            case 0x40: // IND
                                if (!Load(packet, (i.Code & 0xe0) == 0x40 ? (long)x + k : k, i.Code & 0x18, out value)) { return 0; }
                                break;
                            case 0xa0: // MSH: 4 * (P[k] & 0xf), the IPv4 header length
                                if (k >= (uint)packet.Length) { return 0; }
                                value = (uint)(packet[(int)k] & 0x0f) << 2;
                                break;
                            default: return 0;
                        }

                        if (isX) { x = value; } else { a = value; }
                        break;
                    }

                case 0x02: if (k >= MemoryWords) { return 0; } mem[(int)k] = a; break; // ST
                case 0x03: if (k >= MemoryWords) { return 0; } mem[(int)k] = x; break; // STX
                case 0x04: // ALU
                    {
                        var operand = (i.Code & 0x08) != 0 ? x : k;
                        switch (i.Code & 0xf0)
                        {
                            case 0x00: a += operand; break;
                            case 0x10: a -= operand; break;
                            case 0x20: a *= operand; break;
                            case 0x30: if (operand == 0) { return 0; } a /= operand; break;
                            case 0x40: a |= operand; break;
                            case 0x50: a &= operand; break;
                            case 0x60: a = operand >= 32 ? 0 : a << (int)operand; break;
                            case 0x70: a = operand >= 32 ? 0 : a >> (int)operand; break;
                            case 0x80: a = (uint)-(int)a; break;
                            case 0x90: if (operand == 0) { return 0; } a %= operand; break;
                            case 0xa0: a ^= operand; break;
                            default: return 0;
                        }

                        break;
                    }

                case 0x05: // JMP
                    {
                        if ((i.Code & 0xf0) == 0x00)
                        {
                            pc += (int)k;
                            break;
                        }

                        var operand = (i.Code & 0x08) != 0 ? x : k;
                        var taken = (i.Code & 0xf0) switch
                        {
                            0x10 => a == operand,
                            0x20 => a > operand,
                            0x30 => a >= operand,
                            0x40 => (a & operand) != 0,
                            _ => false,
                        };
                        pc += taken ? i.JumpTrue : i.JumpFalse;
                        break;
                    }

                case 0x06: // RET
                    return (i.Code & 0x18) switch
                    {
                        0x00 => k,
                        0x08 => x,
                        0x10 => a,
                        _ => 0,
                    };
                case 0x07: // MISC
                    if ((i.Code & 0xf8) == 0x00) { x = a; } else { a = x; }
                    break;
            }
        }

        return 0;
    }

    private static bool Load(ReadOnlySpan<byte> packet, long offset, int size, out uint value)
    {
        value = 0;
        var width = size switch { 0x00 => 4, 0x08 => 2, 0x10 => 1, _ => 0 };
        if (width == 0 || offset < 0 || offset + width > packet.Length)
        {
            return false; // includes the kernel's ancillary offsets (SKF_AD_OFF), which have no user-space meaning
        }

        var s = packet.Slice((int)offset, width);
        value = width switch { 4 => BinaryPrimitives.ReadUInt32BigEndian(s), 2 => BinaryPrimitives.ReadUInt16BigEndian(s), _ => s[0] };
        return true;
    }
}
