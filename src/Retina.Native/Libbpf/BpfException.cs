namespace Retina.Native.Libbpf;

/// <summary>A libbpf or bpf(2) call failed; <see cref="Errno"/> tells why (EPERM, EINVAL, ENOENT…).</summary>
public sealed class BpfException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}
