using System.Runtime.InteropServices;

namespace Retina.Native.Libc;

/// <summary>An owned kernel file descriptor (BPF link, program, namespace), closed exactly once.</summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd, bool ownsHandle = true)
        : base(-1, ownsHandle)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Value => (int)handle;

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
