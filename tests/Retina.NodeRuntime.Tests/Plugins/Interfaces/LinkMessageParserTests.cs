using System.Buffers.Binary;
using System.Text;
using Retina.Native.Netlink;

namespace Retina.NodeRuntime.Tests.Plugins.Interfaces;

public sealed class LinkMessageParserTests
{
    [Fact]
    public void A_veth_message_yields_its_name_kind_peer_and_peer_namespace()
    {
        var parser = new LinkMessageParser();
        parser.Feed(Message(7, "coredns--3f2a1b", "veth", link: 2, netnsId: 0));
        parser.Feed(Done());

        parser.Done.ShouldBeTrue();
        var link = parser.Links.ShouldHaveSingleItem();
        link.ShouldBe(new LinkInfo(7, "coredns--3f2a1b", "veth", 0x1043, 2, 0, null, LinkInfo.Ethernet));
        link.IsPodInterface.ShouldBeTrue();
    }

    [Fact]
    public void A_veth_whose_peer_is_in_the_same_namespace_is_not_a_pod_interface()
    {
        var parser = new LinkMessageParser();
        parser.Feed(Message(8, "hostv0", "veth", link: 9, netnsId: null));
        parser.Links.ShouldHaveSingleItem().IsPodInterface.ShouldBeFalse();
    }

    [Fact]
    public void Two_messages_in_one_datagram_are_both_read()
    {
        var parser = new LinkMessageParser();
        parser.Feed([.. Message(1, "lo", "", null, null), .. Message(2, "eth0", "", null, null), .. Done()]);
        parser.Links.Select(l => l.Name).ShouldBe(["lo", "eth0"]);
        parser.Done.ShouldBeTrue();
    }

    [Fact]
    public void An_error_answer_ends_the_dump_with_its_errno()
    {
        var msg = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), LinkMessageParser.NlmsgError);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(16), -1);
        var parser = new LinkMessageParser();
        parser.Feed(msg);
        parser.Done.ShouldBeTrue();
        parser.Error.ShouldBe(1);
    }

    [Fact]
    public void Truncated_and_random_datagrams_never_throw_and_never_invent_a_link_without_a_name()
    {
        var good = Message(7, "lxc12345", "veth", 2, 3);
        var parser = new LinkMessageParser();
        for (var cut = 0; cut < good.Length; cut++)
        {
            parser.Feed(good.AsSpan(0, cut));
        }

        var random = new Random(9);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = good.ToArray();
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (i % 3 == 0)
            {
                random.NextBytes(bytes);
            }

            parser.Feed(bytes);
        }

        parser.Links.ShouldAllBe(l => l.Name.Length > 0 && l.Index > 0);
    }

    private static byte[] Done()
    {
        var msg = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), LinkMessageParser.NlmsgDone);
        return msg;
    }

    private static byte[] Message(int index, string name, string kind, uint? link, int? netnsId)
    {
        var attrs = new List<byte>();
        attrs.AddRange(Attr(3, [.. Encoding.UTF8.GetBytes(name), 0]));
        if (link is { } l)
        {
            attrs.AddRange(Attr(5, BitConverter.GetBytes(l)));
        }

        if (netnsId is { } n)
        {
            attrs.AddRange(Attr(37, BitConverter.GetBytes(n)));
        }

        if (kind.Length > 0)
        {
            attrs.AddRange(Attr(18 | 0x8000, Attr(1, [.. Encoding.UTF8.GetBytes(kind), 0])));
        }

        var msg = new byte[16 + 16 + attrs.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, (uint)msg.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), LinkMessageParser.RtmNewLink);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(18), LinkInfo.Ethernet);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(20), index);
        BinaryPrimitives.WriteUInt32LittleEndian(msg.AsSpan(24), 0x1043);
        attrs.CopyTo(msg, 32);
        return msg;
    }

    private static byte[] Attr(int type, byte[] value)
    {
        var len = 4 + value.Length;
        var buf = new byte[(len + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(buf, (ushort)len);
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(2), (ushort)type);
        value.CopyTo(buf, 4);
        return buf;
    }
}
