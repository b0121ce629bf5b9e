/* trace: per-event records for TraceSessions, one ring buffer for every source.
 *
 * Scope is decided HERE, in the kernel: an event is kept only when one of its two addresses is
 * in retina_tr_ips (the traced pods' addresses, IPv4 stored IPv4-mapped, kept current by the
 * runtime), or when retina_tr_cfg says "whole node" (then retina_config's namespace filter still
 * applies). Untraced traffic costs one or two hash lookups and leaves.
 *
 * Trace slots: the runtime gives each running trace a slot 0..63 (TraceSlots). An address's value
 * in retina_tr_ips is the bitmask of the slots whose trace includes it, and retina_tr_cfg holds the
 * mask of the slots that trace the whole node (any bit set: whole node). The kernel never needs to
 * know more about a trace than its bit: the masks exist so a lost record can be charged to its
 * traces (below).
 *
 * Sources (attached only while at least one trace runs; none when idle):
 * - tracepoint skb:kfree_skb       -> TR_DROP with the kernel's drop reason and the caller's
 *                                     address (user space tells NFQUEUE drops by it)
 * - tracepoint tcp:tcp_retransmit_skb -> TR_RETRANS (4-tuple from the socket)
 * - tracepoint tcp:tcp_send_reset  -> TR_RST_SENT (socket, or the packet that drew the reset)
 * - tracepoint tcp:tcp_receive_reset -> TR_RST_RECV
 * - tracepoint sock:inet_sock_set_state -> TR_CONNECT (TCP CLOSE->SYN_SENT: opened here;
 *                                     SYN_RECV->ESTABLISHED: accepted here)
 * - TC ingress/egress of the node's interfaces -> TR_DNS (port-53 payload copied for user space
 *   to parse) and TR_UDP_FLOW (first packet of a UDP flow, by an LRU of 5-tuples either way).
 *   Packets are counted once per node with the dns plugin's rule: at ingress always, at egress
 *   only what the host itself sent (ingress_ifindex 0).
 *
 * The tracepoint contexts are read through the prefix every kernel since 4.16 shares
 * (skbaddr/skaddr/state), so one object loads everywhere.
 *
 * Every failed ring reservation is counted per CPU in retina_tr_lost (the node's total, for the
 * node metric) and once for each slot in mask(saddr) | mask(daddr) | whole-node mask, per CPU in
 * retina_tr_slost: each trace reports its slot's count as RingBufferFull, so a trace is not
 * charged with the records of another trace's pods. Every reservation here happens after the
 * record's addresses are read, so every loss has its slots; a source that reserved before knowing
 * its addresses would count only in retina_tr_lost, and user space would have to charge that to
 * every running trace (as all ring-full losses were before slots). The charge is by address, not
 * by kind: a trace's slot also counts lost records of its pods whose kind it does not keep (the
 * kernel does not know a trace's kinds; user space tells drop kinds apart by reason). */
#include "retina.h"

#define TR_DROP 1
#define TR_DNS 2
#define TR_RETRANS 3
#define TR_RST_SENT 4
#define TR_RST_RECV 5
#define TR_CONNECT 6
#define TR_UDP_FLOW 7

#define TR_MAX_PAYLOAD 512
#define TR_ETH_HLEN 14

struct tr_event {
	__u64 ts;        /* bpf_ktime_get_ns */
	__u64 location;  /* drops: the kernel address that freed the packet */
	__u32 kind;      /* TR_* */
	__u32 reason;    /* drops: enum skb_drop_reason; connect: 0 opened, 1 accepted */
	__u32 ifindex;
	__u32 direction; /* RETINA_DIR_* */
	__u8 saddr[16];  /* IPv6 or IPv4-mapped, network order */
	__u8 daddr[16];
	__u16 sport;     /* host order; ICMP: type */
	__u16 dport;     /* ICMP: code */
	__u8 ip_version;
	__u8 protocol;
	__u8 tcp_flags;
	__u8 state;      /* TCP state of the socket, when there is one */
	__u32 len;       /* DNS: payload bytes in data; others: packet length */
	__u32 wire_len;  /* DNS: payload bytes in the packet */
};

struct tr_dns_event {
	struct tr_event h;
	__u8 data[TR_MAX_PAYLOAD];
};

typedef struct tr_event tr_event_t;
typedef struct tr_dns_event tr_dns_event_t;
RETINA_BTF_TYPE(tr_event_t);
RETINA_BTF_TYPE(tr_dns_event_t);

#define TR_SLOTS 64

struct trace_cfg {
	__u64 whole_node_slots; /* slots of the traces of every address (still within retina_config's namespace); 0: none */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} retina_tr_evts SEC(".maps");

RETINA_LOST_MAP(retina_tr_lost);

/* Failed reservations by trace slot (index), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TR_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} retina_tr_slost SEC(".maps");

/* Traced address -> bitmask of the slots whose trace includes it (never 0: the runtime deletes the key). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u8[16]);
	__type(value, __u64);
} retina_tr_ips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace_cfg);
} retina_tr_cfg SEC(".maps");

struct tr_flow {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u32 protocol;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct tr_flow);
	__type(value, __u8);
} retina_tr_flows SEC(".maps");

/* The stable prefixes of the tracepoint records (after the 8-byte common header). */
struct tr_tp_skb_sk {
	__u64 common;
	const void *skbaddr;
	const void *skaddr;
};

struct tr_tp_sk {
	__u64 common;
	const void *skaddr;
};

struct tr_tp_state {
	__u64 common;
	const void *skaddr;
	int oldstate;
	int newstate;
};

static __always_inline void tr_v4mapped(__u8 *dst, __u32 addr)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

/* The slots of the traces of the whole node: non-zero means every address is in scope. */
static __always_inline __u64 tr_whole_node(void)
{
	__u32 zero = 0;
	struct trace_cfg *cfg = bpf_map_lookup_elem(&retina_tr_cfg, &zero);
	return cfg ? cfg->whole_node_slots : 0;
}

static __always_inline __u64 tr_addr_slots(__u8 *addr)
{
	__u64 *slots = bpf_map_lookup_elem(&retina_tr_ips, addr);
	return slots ? *slots : 0;
}

/* A record that found no room: counted for the node, and for every trace its addresses (or the whole node) belong to. */
static __always_inline void tr_count_lost(__u8 *saddr, __u8 *daddr)
{
	retina_count_lost(&retina_tr_lost);
	__u64 slots = tr_whole_node() | tr_addr_slots(saddr) | tr_addr_slots(daddr);
	for (__u32 i = 0; i < TR_SLOTS; i++) {
		if (!slots)
			break;
		if (slots & 1) {
			__u32 key = i;
			__u64 *v = bpf_map_lookup_elem(&retina_tr_slost, &key);
			if (v)
				*v += 1;
		}
		slots >>= 1;
	}
}

/* In scope: whole node (the caller checked the namespace), or either address traced. */
static __always_inline int tr_in_scope(__u8 *saddr, __u8 *daddr)
{
	return tr_whole_node() || bpf_map_lookup_elem(&retina_tr_ips, saddr) || bpf_map_lookup_elem(&retina_tr_ips, daddr);
}

/* The packet's addresses, protocol, ports and TCP flags from the skb's headers (kernel memory). */
static __always_inline int tr_parse_skb(struct sk_buff *skb, struct tr_event *e)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	if (!head || nh == (__u16)~0U)
		return -1;
	__u8 first = 0;
	if (bpf_probe_read_kernel(&first, 1, head + nh) < 0)
		return -1;
	__u32 l4;
	__u32 frag = 0;
	if ((first >> 4) == 4) {
		struct iphdr ip;
		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) < 0 || ip.ihl < 5)
			return -1;
		e->ip_version = 4;
		e->protocol = ip.protocol;
		tr_v4mapped(e->saddr, ip.saddr);
		tr_v4mapped(e->daddr, ip.daddr);
		l4 = nh + ip.ihl * 4;
		frag = ip.frag_off & bpf_htons(0x1fff);
	} else if ((first >> 4) == 6) {
		struct ipv6hdr ip6;
		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) < 0)
			return -1;
		e->ip_version = 6;
		e->protocol = ip6.nexthdr;
		__builtin_memcpy(e->saddr, &ip6.saddr, 16);
		__builtin_memcpy(e->daddr, &ip6.daddr, 16);
		l4 = nh + sizeof(ip6);
	} else {
		return -1;
	}
	if (th != (__u16)~0U && th > nh)
		l4 = th;
	if (frag)
		return 0;
	if (e->protocol == 6 || e->protocol == 17) {
		__u8 hdr[14] = {};
		if (bpf_probe_read_kernel(hdr, e->protocol == 6 ? 14 : 4, head + l4) < 0)
			return 0;
		e->sport = ((__u16)hdr[0] << 8) | hdr[1];
		e->dport = ((__u16)hdr[2] << 8) | hdr[3];
		if (e->protocol == 6)
			e->tcp_flags = hdr[13];
	} else if (e->protocol == 1 || e->protocol == 58) {
		__u8 hdr[2] = {};
		if (bpf_probe_read_kernel(hdr, 2, head + l4) == 0) {
			e->sport = hdr[0];
			e->dport = hdr[1];
		}
	}
	return 0;
}

/* The socket's 4-tuple, local end as source. */
static __always_inline void tr_from_sock(struct sock *sk, struct tr_event *e)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == 2 /* AF_INET */) {
		e->ip_version = 4;
		tr_v4mapped(e->saddr, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
		tr_v4mapped(e->daddr, BPF_CORE_READ(sk, __sk_common.skc_daddr));
	} else {
		e->ip_version = 6;
		BPF_CORE_READ_INTO(e->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(e->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		/* a dual-stack socket talking IPv4 carries IPv4-mapped addresses */
		if (e->saddr[10] == 0xff && e->saddr[11] == 0xff && !e->saddr[0])
			e->ip_version = 4;
	}
	e->protocol = 6;
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
}

static __always_inline void tr_swap(struct tr_event *e)
{
	__u8 t[16];
	__builtin_memcpy(t, e->saddr, 16);
	__builtin_memcpy(e->saddr, e->daddr, 16);
	__builtin_memcpy(e->daddr, t, 16);
	__u16 p = e->sport;
	e->sport = e->dport;
	e->dport = p;
}

static __always_inline __u32 tr_sock_netns(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* Reuse of the per-CPU scratch keeps the programs' stacks small. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tr_event);
} retina_tr_tmp SEC(".maps");

static __always_inline struct tr_event *tr_scratch(__u32 kind)
{
	__u32 zero = 0;
	struct tr_event *e = bpf_map_lookup_elem(&retina_tr_tmp, &zero);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->direction = RETINA_DIR_UNKNOWN;
	return e;
}

/* Copies a scratch event into the ring buffer, stamped now; a full ring counts one lost event. */
static __always_inline int tr_emit(struct tr_event *tmp)
{
	struct tr_event *e = bpf_ringbuf_reserve(&retina_tr_evts, sizeof(*e), 0);
	if (!e) {
		tr_count_lost(tmp->saddr, tmp->daddr);
		return 0;
	}
	__builtin_memcpy(e, tmp, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_tr_evts));
	return 0;
}

static __always_inline int tr_submit(struct tr_event *tmp)
{
	if (!tr_in_scope(tmp->saddr, tmp->daddr))
		return 0;
	return tr_emit(tmp);
}

SEC("tracepoint/skb/kfree_skb")
int retina_tr_drop(struct trace_event_raw_kfree_skb *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)BPF_CORE_READ(ctx, skbaddr);
	__u32 reason = (__u32)BPF_CORE_READ(ctx, reason);
	/* SKB_CONSUMED (1) is a normal free; older kernels report it here */
	if (reason == 1 || !skb)
		return 0;
	struct tr_event *e = tr_scratch(TR_DROP);
	if (!e || tr_parse_skb(skb, e) < 0)
		return 0;
	if (tr_whole_node() ? !retina_netns_allowed(retina_skb_netns(skb))
			    : !(bpf_map_lookup_elem(&retina_tr_ips, e->saddr) || bpf_map_lookup_elem(&retina_tr_ips, e->daddr)))
		return 0;
	e->reason = reason;
	e->location = (__u64)BPF_CORE_READ(ctx, location);
	e->len = BPF_CORE_READ(skb, len);
	/* the dropreason plugin's direction rule: arrived on a device, or routed to one */
	__u32 iif = BPF_CORE_READ(skb, skb_iif);
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	if (iif) {
		e->direction = RETINA_DIR_INGRESS;
		e->ifindex = iif;
	} else if (dev) {
		e->direction = RETINA_DIR_EGRESS;
		e->ifindex = BPF_CORE_READ(dev, ifindex);
	}
	return tr_emit(e);
}

/* Whole-node mode applies the namespace filter to socket events too. */
static __always_inline int tr_sock_event(struct sock *sk, struct tr_event *e)
{
	if (!sk)
		return 0;
	if (tr_whole_node() && !retina_netns_allowed(tr_sock_netns(sk)))
		return 0;
	tr_from_sock(sk, e);
	return 1;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int retina_tr_rtx(struct tr_tp_skb_sk *ctx)
{
	struct tr_event *e = tr_scratch(TR_RETRANS);
	if (!e || !tr_sock_event((struct sock *)ctx->skaddr, e))
		return 0;
	e->direction = RETINA_DIR_EGRESS;
	return tr_submit(e);
}

SEC("tracepoint/tcp/tcp_send_reset")
int retina_tr_rsts(struct tr_tp_skb_sk *ctx)
{
	struct tr_event *e = tr_scratch(TR_RST_SENT);
	if (!e)
		return 0;
	struct sock *sk = (struct sock *)ctx->skaddr;
	struct sk_buff *skb = (struct sk_buff *)ctx->skbaddr;
	e->direction = RETINA_DIR_EGRESS;
	e->tcp_flags = 0x04; /* RST */
	if (sk && BPF_CORE_READ(sk, __sk_common.skc_state) != 12 /* TCP_NEW_SYN_RECV: a request sock */) {
		if (!tr_sock_event(sk, e))
			return 0;
	} else if (skb) {
		/* no full socket: the reset answers this packet, so it goes the other way */
		if (tr_parse_skb(skb, e) < 0)
			return 0;
		if (tr_whole_node() && !retina_netns_allowed(retina_skb_netns(skb)))
			return 0;
		tr_swap(e);
		e->tcp_flags = 0x04;
	} else {
		return 0;
	}
	return tr_submit(e);
}

SEC("tracepoint/tcp/tcp_receive_reset")
int retina_tr_rstr(struct tr_tp_sk *ctx)
{
	struct tr_event *e = tr_scratch(TR_RST_RECV);
	if (!e || !tr_sock_event((struct sock *)ctx->skaddr, e))
		return 0;
	/* the reset came from the peer */
	tr_swap(e);
	e->direction = RETINA_DIR_INGRESS;
	e->tcp_flags = 0x04;
	return tr_submit(e);
}

SEC("tracepoint/sock/inet_sock_set_state")
int retina_tr_conn(struct tr_tp_state *ctx)
{
	int o = ctx->oldstate, n = ctx->newstate;
	__u32 accepted;
	if (o == 7 /* TCP_CLOSE */ && n == 2 /* TCP_SYN_SENT */)
		accepted = 0;
	else if (o == 3 /* TCP_SYN_RECV */ && n == 1 /* TCP_ESTABLISHED */)
		accepted = 1;
	else
		return 0;
	struct sock *sk = (struct sock *)ctx->skaddr;
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != 6)
		return 0;
	struct tr_event *e = tr_scratch(TR_CONNECT);
	if (!e || !tr_sock_event(sk, e))
		return 0;
	e->reason = accepted;
	if (accepted) {
		/* the flow is the client's: it opened toward us */
		tr_swap(e);
		e->direction = RETINA_DIR_INGRESS;
	} else {
		e->direction = RETINA_DIR_EGRESS;
	}
	e->state = n;
	return tr_submit(e);
}

/* ---- TC: DNS payloads and the first packet of UDP flows ---- */

struct tr_l4 {
	__u32 off;
	__u8 proto;
	__u8 version;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline int tr_tc_locate(struct __sk_buff *skb, struct tr_l4 *l4)
{
	if (skb->protocol == ETH_P_IP_BE) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, TR_ETH_HLEN, &ip, sizeof(ip)) < 0 || ip.version != 4 || ip.ihl < 5)
			return -1;
		if (ip.frag_off & bpf_htons(0x3fff))
			return -1;
		l4->version = 4;
		l4->proto = ip.protocol;
		l4->off = TR_ETH_HLEN + ip.ihl * 4;
		tr_v4mapped(l4->saddr, ip.saddr);
		tr_v4mapped(l4->daddr, ip.daddr);
		return 0;
	}
	if (skb->protocol != ETH_P_IPV6_BE)
		return -1;
	struct ipv6hdr ip6;
	if (bpf_skb_load_bytes(skb, TR_ETH_HLEN, &ip6, sizeof(ip6)) < 0 || ip6.version != 6)
		return -1;
	l4->version = 6;
	l4->proto = ip6.nexthdr; /* extension headers are not walked: such packets are skipped */
	l4->off = TR_ETH_HLEN + sizeof(ip6);
	__builtin_memcpy(l4->saddr, &ip6.saddr, 16);
	__builtin_memcpy(l4->daddr, &ip6.daddr, 16);
	return 0;
}

/* Records the first packet of a UDP flow (neither it nor its reverse seen before). */
static __always_inline void tr_udp_flow(struct __sk_buff *skb, struct tr_l4 *l4, __u16 sport, __u16 dport, __u32 dir)
{
	struct tr_flow f = {};
	__builtin_memcpy(f.saddr, l4->saddr, 16);
	__builtin_memcpy(f.daddr, l4->daddr, 16);
	f.sport = sport;
	f.dport = dport;
	f.protocol = 17;
	if (bpf_map_lookup_elem(&retina_tr_flows, &f))
		return;
	struct tr_flow r = {};
	__builtin_memcpy(r.saddr, l4->daddr, 16);
	__builtin_memcpy(r.daddr, l4->saddr, 16);
	r.sport = dport;
	r.dport = sport;
	r.protocol = 17;
	if (bpf_map_lookup_elem(&retina_tr_flows, &r))
		return;
	__u8 one = 1;
	if (bpf_map_update_elem(&retina_tr_flows, &f, &one, BPF_NOEXIST) != 0)
		return; /* another CPU recorded it first */
	struct tr_event *e = bpf_ringbuf_reserve(&retina_tr_evts, sizeof(*e), 0);
	if (!e) {
		tr_count_lost(l4->saddr, l4->daddr);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->kind = TR_UDP_FLOW;
	e->ifindex = skb->ifindex;
	e->direction = dir;
	__builtin_memcpy(e->saddr, l4->saddr, 16);
	__builtin_memcpy(e->daddr, l4->daddr, 16);
	e->sport = sport;
	e->dport = dport;
	e->ip_version = l4->version;
	e->protocol = 17;
	e->len = skb->len;
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_tr_evts));
}

static __always_inline void tr_dns(struct __sk_buff *skb, struct tr_l4 *l4, __u16 sport, __u16 dport, __u32 dir)
{
	__u32 off = l4->off + 8;
	if (l4->proto == 6) {
		__u8 doff;
		if (bpf_skb_load_bytes(skb, l4->off + 12, &doff, 1) < 0 || (doff >> 4) < 5)
			return;
		off = l4->off + (doff >> 4) * 4;
	}
	if (skb->len <= off)
		return;
	__u32 wire = skb->len - off;
	__u64 len = wire;
	if (len > TR_MAX_PAYLOAD)
		len = TR_MAX_PAYLOAD;
	struct tr_dns_event *e = bpf_ringbuf_reserve(&retina_tr_evts, sizeof(*e), 0);
	if (!e) {
		tr_count_lost(l4->saddr, l4->daddr);
		return;
	}
	__builtin_memset(&e->h, 0, sizeof(e->h));
	e->h.ts = bpf_ktime_get_ns();
	e->h.kind = TR_DNS;
	e->h.ifindex = skb->ifindex;
	e->h.direction = dir;
	__builtin_memcpy(e->h.saddr, l4->saddr, 16);
	__builtin_memcpy(e->h.daddr, l4->daddr, 16);
	e->h.sport = sport;
	e->h.dport = dport;
	e->h.ip_version = l4->version;
	e->h.protocol = l4->proto;
	e->h.wire_len = wire;
	asm volatile("" : "+r"(len));
	if (len == 0 || len > TR_MAX_PAYLOAD || bpf_skb_load_bytes(skb, off, e->data, len) < 0) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return;
	}
	e->h.len = len;
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_tr_evts));
}

static __always_inline int tr_tc(struct __sk_buff *skb, __u32 dir)
{
	/* once per node: ingress always, egress only what the host itself sent */
	if (dir == RETINA_DIR_EGRESS && skb->ingress_ifindex != 0)
		return RETINA_TC_CONTINUE;
	struct tr_l4 l4 = {};
	if (tr_tc_locate(skb, &l4) < 0 || (l4.proto != 17 && l4.proto != 6))
		return RETINA_TC_CONTINUE;
	if (!tr_whole_node() && !bpf_map_lookup_elem(&retina_tr_ips, l4.saddr) && !bpf_map_lookup_elem(&retina_tr_ips, l4.daddr))
		return RETINA_TC_CONTINUE;
	__u8 ports[4];
	if (bpf_skb_load_bytes(skb, l4.off, ports, sizeof(ports)) < 0)
		return RETINA_TC_CONTINUE;
	__u16 sport = ((__u16)ports[0] << 8) | ports[1];
	__u16 dport = ((__u16)ports[2] << 8) | ports[3];
	if (l4.proto == 17)
		tr_udp_flow(skb, &l4, sport, dport, dir);
	if (sport == 53 || dport == 53)
		tr_dns(skb, &l4, sport, dport, dir);
	return RETINA_TC_CONTINUE;
}

SEC("tc")
int retina_tr_ing(struct __sk_buff *skb)
{
	return tr_tc(skb, RETINA_DIR_INGRESS);
}

SEC("tc")
int retina_tr_egr(struct __sk_buff *skb)
{
	return tr_tc(skb, RETINA_DIR_EGRESS);
}
