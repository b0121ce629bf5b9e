namespace Retina.Native.Packet;

/// <summary>A socket, ring or namespace call the kernel refused; <see cref="ErrorNumber"/> is the errno.</summary>
public sealed class PacketException(string message, int errorNumber) : Exception(message)
{
    public int ErrorNumber { get; } = errorNumber;

    internal static PacketException FromLastError(string call)
    {
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return new PacketException(PacketNative.LastErrorMessage(call), errno);
    }
}
