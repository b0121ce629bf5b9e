namespace Retina.Native.Packet;

/// <summary>An interface as seen from one network namespace; <see cref="Index"/> is unique only within it.</summary>
public sealed record NetworkInterfaceInfo(int Index, string Name, bool IsUp, ushort HardwareType);
