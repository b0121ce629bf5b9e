/* packetparser: pod-level traffic seen on each pod's host-side veth (and optionally host
 * interfaces). An in-kernel connection table keeps per-connection counters, so only reportable
 * packets reach user space through the ring buffer: the first packet of a connection, TCP control
 * flags (SYN, FIN, RST) and a periodic report per connection; user space also reads the table's
 * cumulative counters for idle connections. DNS messages (port 53, UDP or TCP) travel with their payload.
 * Kernel drops (skb:kfree_skb) and TCP retransmits of addresses of interest are reported too.
 * Only addresses in retina_pp_ips (pods of the namespaces the MetricsConfigurations cover) are reported.
 * Programs never change a verdict. */
#include "retina.h"

#define PP_EV_NEW 1
#define PP_EV_CONTROL 2
#define PP_EV_REPORT 3
#define PP_EV_PACKET 4 /* connection tracking off: every (sampled) packet */
#define PP_EV_DNS 5
#define PP_EV_RETRANS 6

#define PP_FLAG_COUNT 9 /* FIN SYN RST PSH ACK URG ECE CWR SYNACK */
#define PP_DNS_PAYLOAD 512
#define PP_ETH_HLEN 14

struct retina_pp_conf {
	__u32 conntrack; /* 1: connection table on; 0: every packet is an event */
	__u32 sampling; /* without the connection table: one packet in N becomes an event, weighted N */
	__u64 report_interval_ns; /* a connection with traffic is reported at most this often */
	__u32 filter_ips; /* 1: only packets from or to an address in retina_pp_ips */
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct retina_pp_conf);
} retina_pp_conf SEC(".maps");

/* IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d). Value 1: of interest; 0: no longer. */
struct pp_ip {
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pp_ip);
	__type(value, __u8);
} retina_pp_ips SEC(".maps");

struct pp_ct_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport; /* host order */
	__u16 dport;
	__u8 proto;
	__u8 direction; /* of the pod: RETINA_DIR_EGRESS when the packet leaves the pod */
	__u16 reserved;
	__u32 ifindex;
};

struct pp_ct_value {
	__u64 packets; /* cumulative */
	__u64 bytes;
	__u64 flags[PP_FLAG_COUNT];
	__u64 first_ns;
	__u64 last_ns; /* of the latest report decision (every 16th packet), not of every packet */
	__u64 last_report_ns;
	__u32 is_reply;
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pp_ct_key);
	__type(value, struct pp_ct_value);
} retina_pp_ct SEC(".maps");

struct pp_event {
	__u64 first_ns; /* identifies the connection-table entry's incarnation */
	struct pp_ct_key key;
	__u8 kind;
	__u8 is_reply;
	__u8 tcp_flags;
	__u8 reserved;
	__u32 payload_len;
	__u64 packets; /* cumulative for connection events; the packet's weight otherwise */
	__u64 bytes;
	__u64 flags[PP_FLAG_COUNT];
};

struct pp_dns_event {
	struct pp_event ev;
	__u8 payload[PP_DNS_PAYLOAD];
};

typedef struct pp_event pp_event_t;
typedef struct pp_dns_event pp_dns_event_t;
RETINA_BTF_TYPE(pp_event_t);
RETINA_BTF_TYPE(pp_dns_event_t);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} retina_pp_evts SEC(".maps");

RETINA_LOST_MAP(retina_pp_lost);

/* Drops, by both addresses, ports, protocol, kernel reason and direction: cumulative counters. */
struct pp_drop_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 direction;
	__u16 reserved;
	__u32 reason;
};

struct pp_drop_value {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pp_drop_key);
	__type(value, struct pp_drop_value);
} retina_pp_drops SEC(".maps");

/* Packets seen by the TC programs (index 0) and events submitted (index 1), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} retina_pp_stats SEC(".maps");

static __always_inline void pp_stat(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&retina_pp_stats, &i);
	if (v)
		*v += 1;
}

static __always_inline struct retina_pp_conf *pp_cfg(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&retina_pp_conf, &zero);
}

static __always_inline int pp_interesting(struct retina_pp_conf *cfg, __u8 *saddr, __u8 *daddr)
{
	if (!cfg->filter_ips)
		return 1;
	__u8 *v = bpf_map_lookup_elem(&retina_pp_ips, saddr);
	if (v && *v)
		return 1;
	v = bpf_map_lookup_elem(&retina_pp_ips, daddr);
	return v && *v;
}

static __always_inline void pp_v4mapped(__u8 *dst, __u32 addr)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

/* Plain increments: one direction of one connection at one interface is updated by one CPU at a
 * time in practice; atomics here cost more than the rare lost increment. Packets and bytes stay atomic. */
static __always_inline void pp_count_flags(__u64 *flags, __u8 f)
{
	if (!f)
		return;
	if (f & 0x01) flags[0]++;
	if (f & 0x02) flags[1]++;
	if (f & 0x04) flags[2]++;
	if (f & 0x08) flags[3]++;
	if (f & 0x10) flags[4]++;
	if (f & 0x20) flags[5]++;
	if (f & 0x40) flags[6]++;
	if (f & 0x80) flags[7]++;
	if ((f & 0x12) == 0x12) flags[8]++;
}

static __always_inline void pp_fill(struct pp_event *e, struct pp_ct_key *key, __u8 kind, __u8 tcp_flags)
{
	__builtin_memcpy(&e->key, key, sizeof(*key));
	e->kind = kind;
	e->tcp_flags = tcp_flags;
	e->reserved = 0;
	e->payload_len = 0;
}

static __always_inline void pp_emit_ct(struct pp_ct_key *key, struct pp_ct_value *v, __u8 kind, __u8 tcp_flags)
{
	struct pp_event *e = bpf_ringbuf_reserve(&retina_pp_evts, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_pp_lost);
		return;
	}
	pp_fill(e, key, kind, tcp_flags);
	e->first_ns = v->first_ns;
	e->is_reply = (__u8)v->is_reply;
	e->packets = v->packets;
	e->bytes = v->bytes;
	for (int i = 0; i < PP_FLAG_COUNT; i++)
		e->flags[i] = v->flags[i];
	pp_stat(1);
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_pp_evts));
}

static __always_inline void pp_emit_packet(struct pp_ct_key *key, __u32 len, __u8 tcp_flags, __u32 weight)
{
	struct pp_event *e = bpf_ringbuf_reserve(&retina_pp_evts, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_pp_lost);
		return;
	}
	pp_fill(e, key, PP_EV_PACKET, tcp_flags);
	e->first_ns = 0;
	e->is_reply = 0;
	e->packets = weight;
	e->bytes = (__u64)len * weight;
	for (int i = 0; i < PP_FLAG_COUNT; i++)
		e->flags[i] = 0;
	pp_count_flags(e->flags, tcp_flags);
	for (int i = 0; i < PP_FLAG_COUNT; i++)
		e->flags[i] *= weight;
	pp_stat(1);
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_pp_evts));
}

/* l4 is the offset of the UDP or TCP header. TCP: the payload of each segment that has one is
 * copied, starting with the message's two-byte length (user space reads the framing, as bpf/dns
 * describes); segments without payload (SYN, ACK, FIN) are not messages. */
static __always_inline void pp_emit_dns(struct __sk_buff *skb, struct pp_ct_key *key, __u32 l4)
{
	__u32 off = l4 + 8;
	if (key->proto == 6) {
		__u8 doff;
		if (bpf_skb_load_bytes(skb, l4 + 12, &doff, 1) < 0 || (doff >> 4) < 5)
			return;
		off = l4 + (doff >> 4) * 4;
	}
	if (off >= skb->len)
		return;
	__u32 len = skb->len - off;
	if (len > PP_DNS_PAYLOAD)
		len = PP_DNS_PAYLOAD;
	struct pp_dns_event *d = bpf_ringbuf_reserve(&retina_pp_evts, sizeof(*d), 0);
	if (!d) {
		retina_count_lost(&retina_pp_lost);
		return;
	}
	pp_fill(&d->ev, key, PP_EV_DNS, 0);
	d->ev.first_ns = 0;
	d->ev.is_reply = key->sport == 53;
	d->ev.packets = 1;
	d->ev.bytes = skb->len;
	for (int i = 0; i < PP_FLAG_COUNT; i++)
		d->ev.flags[i] = 0;
	long rc;
	if (len >= PP_DNS_PAYLOAD) {
		rc = bpf_skb_load_bytes(skb, off, d->payload, PP_DNS_PAYLOAD);
	} else {
		/* the mask tells the verifier the length is bounded by the buffer */
		__u32 n = len - 1;
		asm volatile("%0 &= 0x1ff" : "+r"(n));
		rc = bpf_skb_load_bytes(skb, off, d->payload, n + 1);
	}
	if (rc < 0) {
		bpf_ringbuf_discard(d, 0);
		return;
	}
	d->ev.payload_len = len;
	pp_stat(1);
	bpf_ringbuf_submit(d, retina_ringbuf_wakeup(&retina_pp_evts));
}

/* Headers of packets crossing a veth are nearly always in the linear part: read them directly,
 * and through the helper only when they are not. */
static __always_inline int pp_load(struct __sk_buff *skb, __u32 off, void *to, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	if (off > 128)
		return -1;
	if (data + off + len <= end) {
		__builtin_memcpy(to, data + off, len);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, to, len);
}

/* Whether a new connection-table entry is the reply side of a connection already seen. */
static __always_inline __u32 pp_is_reply(struct pp_ct_key *key, __u8 tcp_flags)
{
	if (key->proto == 6 && (tcp_flags & 0x02))
		return (tcp_flags & 0x10) ? 1 : 0;
	struct pp_ct_key rev = {};
	__builtin_memcpy(rev.saddr, key->daddr, 16);
	__builtin_memcpy(rev.daddr, key->saddr, 16);
	rev.sport = key->dport;
	rev.dport = key->sport;
	rev.proto = key->proto;
	rev.direction = key->direction ^ 1;
	rev.ifindex = key->ifindex;
	return bpf_map_lookup_elem(&retina_pp_ct, &rev) ? 1 : 0;
}

static __always_inline int pp_handle(struct __sk_buff *skb, __u8 direction)
{
	struct retina_pp_conf *cfg = pp_cfg();
	if (!cfg)
		return RETINA_TC_CONTINUE;
	pp_stat(0);

	struct pp_ct_key key = {};
	__u16 proto_be = skb->protocol;
	__u32 l4;
	if (proto_be == ETH_P_IP_BE) {
		struct iphdr ip;
		if (pp_load(skb, PP_ETH_HLEN, &ip, sizeof(ip)) < 0)
			return RETINA_TC_CONTINUE;
		pp_v4mapped(key.saddr, ip.saddr);
		pp_v4mapped(key.daddr, ip.daddr);
		key.proto = ip.protocol;
		/* later fragments carry no ports: count them on a port-less entry */
		if (bpf_ntohs(ip.frag_off) & 0x1fff)
			key.proto = 0;
		l4 = PP_ETH_HLEN + ip.ihl * 4;
	} else if (proto_be == ETH_P_IPV6_BE) {
		struct ipv6hdr ip6;
		if (pp_load(skb, PP_ETH_HLEN, &ip6, sizeof(ip6)) < 0)
			return RETINA_TC_CONTINUE;
		__builtin_memcpy(key.saddr, &ip6.saddr, 16);
		__builtin_memcpy(key.daddr, &ip6.daddr, 16);
		key.proto = ip6.nexthdr;
		l4 = PP_ETH_HLEN + sizeof(ip6);
	} else {
		return RETINA_TC_CONTINUE;
	}

	__u8 tcp_flags = 0;
	if (key.proto == 6) {
		__u8 th[14];
		if (pp_load(skb, l4, th, sizeof(th)) == 0) {
			key.sport = ((__u16)th[0] << 8) | th[1];
			key.dport = ((__u16)th[2] << 8) | th[3];
			tcp_flags = th[13];
		}
	} else if (key.proto == 17) {
		__u8 uh[4];
		if (pp_load(skb, l4, uh, sizeof(uh)) == 0) {
			key.sport = ((__u16)uh[0] << 8) | uh[1];
			key.dport = ((__u16)uh[2] << 8) | uh[3];
		}
	}
	key.direction = direction;
	key.ifindex = skb->ifindex;
	__u32 len = skb->len;

	__u64 now;
	/* A tracked connection was of interest when it was created: skip the address filter (user
	 * space re-checks the namespace filter anyway), except for DNS, reported packet by packet. */
	struct pp_ct_value *v = cfg->conntrack ? bpf_map_lookup_elem(&retina_pp_ct, &key) : NULL;
	if (!v && !pp_interesting(cfg, key.saddr, key.daddr))
		return RETINA_TC_CONTINUE;

	if ((key.proto == 17 || key.proto == 6) && (key.sport == 53 || key.dport == 53))
		pp_emit_dns(skb, &key, l4);

	if (!cfg->conntrack) {
		__u32 n = cfg->sampling;
		if (n > 1 && bpf_get_prandom_u32() % n != 0)
			return RETINA_TC_CONTINUE;
		pp_emit_packet(&key, len, tcp_flags, n > 1 ? n : 1);
		return RETINA_TC_CONTINUE;
	}

	if (!v) {
		now = bpf_ktime_get_ns();
		struct pp_ct_value init = {};
		init.packets = 1;
		init.bytes = len;
		init.first_ns = now;
		init.last_ns = now;
		init.last_report_ns = now;
		init.is_reply = pp_is_reply(&key, tcp_flags);
		pp_count_flags(init.flags, tcp_flags);
		if (bpf_map_update_elem(&retina_pp_ct, &key, &init, BPF_NOEXIST) == 0) {
			pp_emit_ct(&key, &init, PP_EV_NEW, tcp_flags);
			return RETINA_TC_CONTINUE;
		}
		/* another CPU created it first */
		v = bpf_map_lookup_elem(&retina_pp_ct, &key);
		if (!v) {
			retina_count_lost(&retina_pp_lost);
			return RETINA_TC_CONTINUE;
		}
	}

	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, len);
	pp_count_flags(v->flags, tcp_flags);
	if (tcp_flags & 0x07) {
		now = bpf_ktime_get_ns();
		v->last_ns = now;
		v->last_report_ns = now;
		pp_emit_ct(&key, v, PP_EV_CONTROL, tcp_flags);
		return RETINA_TC_CONTINUE;
	}
	/* The clock is read on every 16th packet of a connection only: a busy connection is still
	 * reported about every interval, an idle one is read from the table by user space. */
	if ((v->packets & 15) != 0)
		return RETINA_TC_CONTINUE;
	now = bpf_ktime_get_ns();
	v->last_ns = now;
	if (now - v->last_report_ns >= cfg->report_interval_ns) {
		v->last_report_ns = now;
		pp_emit_ct(&key, v, PP_EV_REPORT, tcp_flags);
	}
	return RETINA_TC_CONTINUE;
}

/* tc ingress of a host-side veth: the packet leaves the pod */
SEC("tc")
int retina_pp_ing(struct __sk_buff *skb)
{
	return pp_handle(skb, RETINA_DIR_EGRESS);
}

/* tc egress of a host-side veth: the packet enters the pod */
SEC("tc")
int retina_pp_egr(struct __sk_buff *skb)
{
	return pp_handle(skb, RETINA_DIR_INGRESS);
}

SEC("tracepoint/skb/kfree_skb")
int retina_pp_drop(struct trace_event_raw_kfree_skb *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)BPF_CORE_READ(ctx, skbaddr);
	__u32 reason = (__u32)BPF_CORE_READ(ctx, reason);
	/* SKB_CONSUMED (1) is a normal free, not a drop */
	if (reason == 1 || !skb)
		return 0;
	struct retina_pp_conf *cfg = pp_cfg();
	if (!cfg)
		return 0;

	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	__u16 proto_be = BPF_CORE_READ(skb, protocol);
	struct pp_drop_key key = {};
	__u32 l4;

	if (proto_be == ETH_P_IP_BE) {
		struct iphdr ip;
		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) < 0 || ip.version != 4)
			return 0;
		pp_v4mapped(key.saddr, ip.saddr);
		pp_v4mapped(key.daddr, ip.daddr);
		key.proto = ip.protocol;
		l4 = nh + ip.ihl * 4;
	} else if (proto_be == ETH_P_IPV6_BE) {
		struct ipv6hdr ip6;
		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) < 0 || ip6.version != 6)
			return 0;
		__builtin_memcpy(key.saddr, &ip6.saddr, 16);
		__builtin_memcpy(key.daddr, &ip6.daddr, 16);
		key.proto = ip6.nexthdr;
		l4 = nh + sizeof(ip6);
	} else {
		return 0;
	}
	if (!pp_interesting(cfg, key.saddr, key.daddr))
		return 0;
	/* the transport header offset is unset (0xffff) before the stack reaches layer 4 */
	if (th != 0xffff && th > nh)
		l4 = th;
	if (key.proto == 6 || key.proto == 17) {
		__u8 ports[4];
		if (bpf_probe_read_kernel(ports, sizeof(ports), head + l4) == 0) {
			key.sport = ((__u16)ports[0] << 8) | ports[1];
			key.dport = ((__u16)ports[2] << 8) | ports[3];
		}
	}
	key.reason = reason;
	key.direction = BPF_CORE_READ(skb, skb_iif) ? RETINA_DIR_INGRESS : RETINA_DIR_EGRESS;
	__u32 len = BPF_CORE_READ(skb, len);

	struct pp_drop_value *v = bpf_map_lookup_elem(&retina_pp_drops, &key);
	if (!v) {
		struct pp_drop_value init = { .packets = 1, .bytes = len };
		if (bpf_map_update_elem(&retina_pp_drops, &key, &init, BPF_NOEXIST) == 0)
			return 0;
		v = bpf_map_lookup_elem(&retina_pp_drops, &key);
		if (!v) {
			retina_count_lost(&retina_pp_lost);
			return 0;
		}
	}
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, len);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int retina_pp_retrans(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	if (bpf_core_field_exists(ctx->err) && BPF_CORE_READ(ctx, err) != 0)
		return 0;
	struct retina_pp_conf *cfg = pp_cfg();
	if (!cfg)
		return 0;
	struct pp_ct_key key = {};
	__u16 family = BPF_CORE_READ(ctx, family);
	if (family == 2) {
		__u32 s, d;
		bpf_core_read(&s, 4, &ctx->saddr);
		bpf_core_read(&d, 4, &ctx->daddr);
		pp_v4mapped(key.saddr, s);
		pp_v4mapped(key.daddr, d);
	} else {
		bpf_core_read(key.saddr, 16, &ctx->saddr_v6);
		bpf_core_read(key.daddr, 16, &ctx->daddr_v6);
	}
	if (!pp_interesting(cfg, key.saddr, key.daddr))
		return 0;
	key.sport = BPF_CORE_READ(ctx, sport);
	key.dport = BPF_CORE_READ(ctx, dport);
	key.proto = 6;
	key.direction = RETINA_DIR_EGRESS;

	struct pp_event *e = bpf_ringbuf_reserve(&retina_pp_evts, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_pp_lost);
		return 0;
	}
	pp_fill(e, &key, PP_EV_RETRANS, 0);
	e->first_ns = 0;
	e->is_reply = 0;
	e->packets = 1;
	e->bytes = 0;
	for (int i = 0; i < PP_FLAG_COUNT; i++)
		e->flags[i] = 0;
	pp_stat(1);
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_pp_evts));
	return 0;
}
