using Retina.Api.TraceSession;
using Retina.NodeRuntime.Trace;

namespace Retina.NodeRuntime.Tests.Trace;

public sealed class TraceDropKindsTests
{
    [Theory]
    [InlineData("NETFILTER_DROP", null, TraceEventKinds.Drop)]
    [InlineData("NETFILTER_DROP", "nft_do_chain", TraceEventKinds.Drop)]
    [InlineData("NOT_SPECIFIED", "nf_queue", TraceEventKinds.NfQueue)]
    [InlineData("NOT_SPECIFIED", "nfqnl_recv_verdict", TraceEventKinds.NfQueue)]
    [InlineData("NETFILTER_DROP", "nf_reinject", TraceEventKinds.NfQueue)]
    [InlineData("NO_SOCKET", null, TraceEventKinds.SockError)]
    [InlineData("SOCKET_RCVBUFF", null, TraceEventKinds.SockError)]
    [InlineData("SOCKET_FILTER", null, TraceEventKinds.SockError)]
    [InlineData("TCP_INVALID_SEQUENCE", null, TraceEventKinds.SockError)]
    [InlineData("IP_NOPROTO", null, TraceEventKinds.Drop)]
    [InlineData("NOT_SPECIFIED", "kfree_skb_list_reason", TraceEventKinds.Drop)]
    public void Drop_reasons_and_the_freeing_function_decide_the_event_kind(string reason, string? function, string kind) =>
        TraceDropKinds.Classify(reason, function).ShouldBe(kind);

    [Fact]
    public void Kernel_symbols_name_the_function_an_address_falls_in()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["ffffffff81000000 T _stext", "ffffffff81200000 t nf_queue", "ffffffff81200400 T nf_reinject", "ffffffff81300000 D some_data"]);
            var symbols = new KernelSymbols(path);
            symbols.Name(0xffffffff81200010).ShouldBe("nf_queue");
            symbols.Name(0xffffffff81200400).ShouldBe("nf_reinject");
            symbols.Name(0x1000).ShouldBeNull();
            symbols.Name(0).ShouldBeNull();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
