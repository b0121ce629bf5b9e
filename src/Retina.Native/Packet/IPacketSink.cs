namespace Retina.Native.Packet;

/// <summary>Receives the packets of one ring block; return false to stop reading the rest of the block.</summary>
public interface IPacketSink
{
    bool OnPacket(in PacketView packet);
}
