using Retina.Native.Libc;

namespace Retina.Native.Libbpf;

/// <summary>
/// A tcx attachment. It belongs to this process: the kernel detaches it when the descriptor closes,
/// so a crashed runtime leaves no tcx program behind.
/// </summary>
public sealed class TcxLink(FileDescriptor fd, uint ifindex, bool ingress) : IDisposable
{
    public uint IfIndex { get; } = ifindex;

    public bool Ingress { get; } = ingress;

    public int Fd => fd.Value;

    public void Dispose() => fd.Dispose();
}
