using System.Runtime.InteropServices;

namespace Retina.Native.Packet;

/// <summary>Owns a socket descriptor and closes it exactly once.</summary>
public sealed class SafePacketSocketHandle : SafeHandle
{
    public SafePacketSocketHandle()
        : base(-1, ownsHandle: true)
    {
    }

    internal SafePacketSocketHandle(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle < 0;

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => PacketNative.Close((int)handle) == 0;
}
