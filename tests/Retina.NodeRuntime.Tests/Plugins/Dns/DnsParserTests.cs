using Retina.NodeRuntime.Plugins.Dns;

namespace Retina.NodeRuntime.Tests.Plugins.Dns;

public sealed class DnsParserTests
{
    internal static byte[] Query(string name, ushort type = 1, ushort id = 0x1234)
    {
        var b = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            b.Add((byte)label.Length);
            b.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        b.AddRange(new byte[] { 0, (byte)(type >> 8), (byte)type, 0, 1 });
        return b.ToArray();
    }

    internal static byte[] Response(string name, int rcode, params byte[][] addresses)
    {
        var q = Query(name);
        q[2] = 0x81;
        q[3] = (byte)(0x80 | rcode);
        q[7] = (byte)addresses.Length;
        var b = new List<byte>(q);
        foreach (var a in addresses)
        {
            b.AddRange(new byte[] { 0xc0, 12, 0, (byte)(a.Length == 4 ? 1 : 28), 0, 1, 0, 0, 0, 60, 0, (byte)a.Length });
            b.AddRange(a);
        }

        return b.ToArray();
    }

    internal static byte[] Framed(params byte[][] messages) =>
        messages.SelectMany(m => new[] { (byte)(m.Length >> 8), (byte)m.Length }.Concat(m)).ToArray();

    [Fact]
    public void A_tcp_segment_yields_each_length_prefixed_message_it_holds()
    {
        var messages = new List<DnsMessage>();
        DnsParser.ParseTcpSegment(Framed(Query("a.test", 1, 1), Query("a.test", 28, 2)), messages).ShouldBe(2);
        messages.Select(m => (m.Id, m.QueryTypeName)).ShouldBe([((ushort)1, "A"), ((ushort)2, "AAAA")]);
        messages.Clear();
        DnsParser.ParseTcpSegment(Framed(Response("a.test", 0, [10, 0, 0, 1])), messages).ShouldBe(1);
        messages[0].Addresses.ShouldBe(["10.0.0.1"]);
    }

    [Fact]
    public void A_tcp_message_longer_than_its_segment_is_parsed_from_what_the_segment_holds()
    {
        var answer = Response("big.test", 0, [10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 0, 3]);
        var framed = Framed(answer);
        var messages = new List<DnsMessage>();
        DnsParser.ParseTcpSegment(framed.AsSpan(0, framed.Length - 10), messages).ShouldBe(1, "header and question are there");
        messages[0].RcodeName.ShouldBe("NoError");
        messages[0].AnswerCount.ShouldBe(3);
        messages[0].Addresses.ShouldBe(["10.0.0.1", "10.0.0.2"], "the third answer was cut off");
    }

    [Fact]
    public void A_tcp_segment_that_starts_mid_message_or_holds_only_a_length_yields_nothing()
    {
        var query = Query("mid.test");
        var messages = new List<DnsMessage>();
        DnsParser.ParseTcpSegment(Framed(query).AsSpan(0, 2), messages).ShouldBe(0, "the length alone");
        DnsParser.ParseTcpSegment(query.AsSpan(12), messages).ShouldBe(0, "the rest of a message whose start was in an earlier segment");
        DnsParser.ParseTcpSegment([0, 11, .. new byte[11]], messages).ShouldBe(0, "shorter than a DNS header");
        DnsParser.ParseTcpSegment([0, 0, .. Framed(query)], messages).ShouldBe(0, "a zero length stops the walk");
        DnsParser.ParseTcpSegment([], messages).ShouldBe(0);
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_tcp_segment_stops_after_the_most_messages_one_segment_may_carry()
    {
        var many = Framed(Enumerable.Range(0, 100).Select(i => Query("x", 1, (ushort)i)).ToArray());
        var messages = new List<DnsMessage>();
        DnsParser.ParseTcpSegment(many, messages).ShouldBe(DnsParser.MaxMessagesPerSegment);
        messages.Count.ShouldBe(DnsParser.MaxMessagesPerSegment);
    }

    [Fact]
    public void Truncated_tcp_segments_never_throw_and_yield_a_message_only_once_its_question_is_complete()
    {
        var framed = Framed(Query("truncated.example"));
        var messages = new List<DnsMessage>();
        for (var n = 0; n <= framed.Length; n++)
        {
            messages.Clear();
            DnsParser.ParseTcpSegment(framed.AsSpan(0, n), messages).ShouldBe(n == framed.Length ? 1 : 0, $"{n} bytes");
        }
    }

    [Fact]
    public void Half_a_million_random_and_mutated_tcp_segments_never_throw()
    {
        var rng = new Random(9);
        var seeds = new[]
        {
            Framed(Query("kubernetes.default.svc.cluster.local")), Framed(Query("a.b", 28, 7), Response("a.b", 0, new byte[16])),
            Framed(Response("nx.example", 3), Query("q", 65, 3), Query("r", 1, 4)),
        };
        var buf = new byte[600];
        var messages = new List<DnsMessage>();
        var parsed = 0;
        for (var i = 0; i < 500_000; i++)
        {
            var seed = seeds[rng.Next(seeds.Length)];
            var len = Math.Clamp(seed.Length + rng.Next(-8, 8), 0, buf.Length);
            if (i % 3 == 0)
            {
                rng.NextBytes(buf.AsSpan(0, len));
            }
            else
            {
                seed.AsSpan(0, Math.Min(len, seed.Length)).CopyTo(buf);
                if (len > seed.Length)
                {
                    rng.NextBytes(buf.AsSpan(seed.Length, len - seed.Length));
                }

                for (var k = rng.Next(1, 4); k > 0 && len > 0; k--)
                {
                    var at = rng.Next(3) == 0 ? rng.Next(Math.Min(len, 4)) : rng.Next(len); // length prefixes are favourite targets
                    buf[at] = (byte)rng.Next(256);
                }
            }

            messages.Clear();
            var n = DnsParser.ParseTcpSegment(buf.AsSpan(0, len), messages);
            n.ShouldBe(messages.Count);
            n.ShouldBeInRange(0, DnsParser.MaxMessagesPerSegment);
            parsed += n;
        }

        parsed.ShouldBeGreaterThan(1000, "mutated seeds should often still parse");
    }

    [Fact]
    public void A_query_yields_name_and_type()
    {
        DnsParser.TryParse(Query("Example.COM", 28), out var m).ShouldBeTrue();
        m!.IsResponse.ShouldBeFalse();
        m.QueryName.ShouldBe("example.com.");
        m.QueryTypeName.ShouldBe("AAAA");
    }

    [Fact]
    public void A_response_yields_rcode_and_compressed_answers()
    {
        DnsParser.TryParse(Response("a.test", 0, [10, 0, 0, 1], [10, 0, 0, 2]), out var m).ShouldBeTrue();
        m!.IsResponse.ShouldBeTrue();
        m.RcodeName.ShouldBe("NoError");
        m.Addresses.ShouldBe(["10.0.0.1", "10.0.0.2"]);
        DnsParser.TryParse(Response("nx.test", 3), out var nx).ShouldBeTrue();
        nx!.RcodeName.ShouldBe("NXDomain");
        nx.AnswerCount.ShouldBe(0);
        nx.MinTtl.ShouldBeNull();
    }

    [Fact]
    public void The_smallest_answer_ttl_is_kept()
    {
        var r = Response("a.test", 0, [10, 0, 0, 1], [10, 0, 0, 2]);
        // The second answer's TTL (bytes 6..9 of its fixed part) becomes 0x00010005 = 65541; the first keeps 60.
        var second = r.Length - 4 - 12 + 6;
        r[second] = 0;
        r[second + 1] = 1;
        r[second + 2] = 0;
        r[second + 3] = 5;
        DnsParser.TryParse(r, out var m).ShouldBeTrue();
        m!.MinTtl.ShouldBe(60u);
        r[second + 1] = 0;
        r[second + 3] = 7;
        DnsParser.TryParse(r, out m).ShouldBeTrue();
        m!.MinTtl.ShouldBe(7u);
    }

    [Fact]
    public void Pointer_loops_and_forward_pointers_are_rejected()
    {
        var loop = new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
        DnsParser.TryParse(loop, out _).ShouldBeFalse();
        var forward = new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, (byte)'a', 0, 0, 1, 0, 1 };
        DnsParser.TryParse(forward, out _).ShouldBeFalse();
    }

    [Fact]
    public void Truncated_messages_are_rejected_not_thrown()
    {
        var q = Query("truncated.example");
        for (var n = 0; n < q.Length; n++)
        {
            DnsParser.TryParse(q.AsSpan(0, n), out _).ShouldBeFalse();
        }
    }

    [Fact]
    public void Two_million_random_and_mutated_inputs_never_throw()
    {
        var rng = new Random(4);
        var seeds = new[]
        {
            Query("kubernetes.default.svc.cluster.local"), Query("x.y", 65), Response("a.b.c", 0, [1, 2, 3, 4], new byte[16]),
            Response("nx.example", 3), Response("s", 2, [9, 9, 9, 9]),
        };
        var buf = new byte[600];
        var parsed = 0;
        for (var i = 0; i < 2_000_000; i++)
        {
            int len;
            if (i % 2 == 0)
            {
                len = rng.Next(0, buf.Length);
                rng.NextBytes(buf.AsSpan(0, len));
            }
            else
            {
                var seed = seeds[rng.Next(seeds.Length)];
                len = Math.Min(buf.Length, seed.Length + rng.Next(-4, 8));
                len = Math.Max(len, 0);
                seed.AsSpan(0, Math.Min(len, seed.Length)).CopyTo(buf);
                if (len > seed.Length)
                {
                    rng.NextBytes(buf.AsSpan(seed.Length, len - seed.Length));
                }

                for (var k = rng.Next(1, 6); k > 0 && len > 0; k--)
                {
                    var at = rng.Next(len);
                    buf[at] = rng.Next(4) switch
                    {
                        0 => (byte)rng.Next(256),
                        1 => 0xc0,
                        2 => (byte)(buf[at] ^ (1 << rng.Next(8))),
                        _ => (byte)rng.Next(64),
                    };
                }
            }

            if (DnsParser.TryParse(buf.AsSpan(0, len), out var m))
            {
                m.ShouldNotBeNull();
                parsed++;
            }
        }

        parsed.ShouldBeGreaterThan(1000, "mutated seeds should often still parse");
    }
}
