/* tcpretrans: one event per TCP segment the kernel retransmits, with its 4-tuple and state. */
#include "retina.h"

struct tcpretrans_event {
	__u32 saddr; /* IPv4 network order; 0 for IPv6 */
	__u32 daddr;
	__u16 sport; /* host order */
	__u16 dport;
	__u16 family;
	__u16 state;
	__u8 saddr6[16];
	__u8 daddr6[16];
};

typedef struct tcpretrans_event tcpretrans_event_t;
RETINA_BTF_TYPE(tcpretrans_event_t);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} retina_retrans SEC(".maps");

RETINA_LOST_MAP(retina_rtx_lost);

SEC("tracepoint/tcp/tcp_retransmit_skb")
int retina_tcpretx(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	/* Kernels that report failed attempts carry an error: only segments that left count. */
	if (bpf_core_field_exists(ctx->err) && BPF_CORE_READ(ctx, err) != 0)
		return 0;

	struct sock *sk = (struct sock *)BPF_CORE_READ(ctx, skaddr);
	if (!sk || !retina_netns_allowed(BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum)))
		return 0;

	struct tcpretrans_event *e = bpf_ringbuf_reserve(&retina_retrans, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_rtx_lost);
		return 0;
	}
	e->family = BPF_CORE_READ(ctx, family);
	e->state = (__u16)BPF_CORE_READ(ctx, state);
	e->sport = BPF_CORE_READ(ctx, sport);
	e->dport = BPF_CORE_READ(ctx, dport);
	bpf_core_read(&e->saddr, 4, &ctx->saddr);
	bpf_core_read(&e->daddr, 4, &ctx->daddr);
	bpf_core_read(e->saddr6, 16, &ctx->saddr_v6);
	bpf_core_read(e->daddr6, 16, &ctx->daddr_v6);
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_retrans));
	return 0;
}
