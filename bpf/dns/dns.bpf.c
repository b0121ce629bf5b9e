/* dns: copies DNS messages (port 53, UDP or TCP, over IPv4 or IPv6) into a ring buffer;
 * parsing happens in user space, where a malformed message can only cost a counter, never the
 * kernel.
 *
 * What is copied:
 * - UDP: the datagram's payload (at most DNS_MAX_PAYLOAD bytes of it).
 * - TCP: the payload after the TCP header of each segment that has one, which starts with the
 *   message's two-byte length (RFC 1035 §4.2.2; user space reads the framing). Segments without
 *   payload (SYN, ACK, FIN) are not messages and are skipped. A message spanning segments is
 *   parsed from what its first segment holds and counted once; the segments after it start
 *   mid-message and user space rejects them (no state is kept here to tell them apart).
 * - IPv6: the fixed header, then up to DNS_MAX_EXT_HEADERS hop-by-hop, routing, destination
 *   options and authentication headers are skipped. Fragments, IPv4 or IPv6, are not copied.
 * The link layer is assumed to be Ethernet (veths, physical NICs).
 *
 * The counting rule, one copy per packet per node: these programs run at TC ingress and egress
 * of every interface of the host namespace they are attached to, pod veths included, so a query
 * from a pod to a DNS pod on the same node crosses two interfaces (ingress of the client's veth,
 * egress of the server's). A packet is counted
 * - at ingress always: it entered the host namespace, from a pod or from the wire;
 * - at egress only when the host itself sent it (__sk_buff.ingress_ifindex is 0: the skb never
 *   went through a device's receive path); a forwarded packet was already counted where it came
 *   in (ingress_ifindex is that device).
 * DnsPluginTests verifies these ingress_ifindex semantics on the running kernel. Devices that
 * re-enter the receive path for one packet (a bridge master above its ports, VLAN or bond devices
 * above their lower device) would see it again at their own ingress: attach to one layer only.
 * Every port-53 packet seen, counted or not, is tallied in retina_dns_copy by where it was seen. */
#include "retina.h"

#define DNS_MAX_PAYLOAD 512
#define DNS_MAX_EXT_HEADERS 4
#define DNS_ETH_HLEN 14

struct dns_event {
	__u32 len;       /* bytes of L4 payload copied into data */
	__u32 wire_len;  /* bytes of L4 payload in the packet (len is at most DNS_MAX_PAYLOAD of them) */
	__u32 direction;
	__u32 ifindex;
	__u8 saddr[16];  /* IPv6, or IPv4-mapped (::ffff:a.b.c.d), network order */
	__u8 daddr[16];
	__u16 sport;     /* host order */
	__u16 dport;
	__u8 ip_version; /* 4 or 6 */
	__u8 protocol;   /* 17 (UDP) or 6 (TCP: data starts with the message's two-byte length) */
	__u16 reserved;
	__u8 data[DNS_MAX_PAYLOAD];
};

typedef struct dns_event dns_event_t;
RETINA_BTF_TYPE(dns_event_t);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} retina_dns_evts SEC(".maps");

RETINA_LOST_MAP(retina_dns_lost);

/* Port-53 packets seen, by interface, direction and __sk_buff.ingress_ifindex; counted is 1 when
 * the packet became an event. Small and only touched by DNS packets. */
struct dns_copy_key {
	__u32 ifindex;
	__u32 ingress_ifindex;
	__u32 direction;
	__u32 counted;
};

typedef struct dns_copy_key dns_copy_key_t;
RETINA_BTF_TYPE(dns_copy_key_t);

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct dns_copy_key);
	__type(value, __u64);
} retina_dns_copy SEC(".maps");

struct dns_l4 {
	__u32 off;   /* of the L4 header */
	__u8 proto;
	__u8 version;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline void dns_v4mapped(__u8 *dst, __u32 addr)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

static __always_inline void dns_tally(struct __sk_buff *skb, __u32 dir, __u32 counted)
{
	struct dns_copy_key k = {
		.ifindex = skb->ifindex,
		.ingress_ifindex = skb->ingress_ifindex,
		.direction = dir,
		.counted = counted,
	};
	__u64 *v = bpf_map_lookup_elem(&retina_dns_copy, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	__u64 one = 1;
	if (bpf_map_update_elem(&retina_dns_copy, &k, &one, BPF_NOEXIST) != 0 && (v = bpf_map_lookup_elem(&retina_dns_copy, &k)))
		__sync_fetch_and_add(v, 1);
}

/* Fast reject with direct packet access: most packets are neither UDP nor TCP on port 53 and
 * leave after a few loads. Returns 0 when the packet is certainly not DNS. */
static __always_inline int dns_maybe(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u8 *ports = 0;
	__u8 proto;

	if (skb->protocol == ETH_P_IP_BE) {
		struct iphdr *ip = data + DNS_ETH_HLEN;
		if ((void *)(ip + 1) > end)
			return 1; /* headers outside the linear part: decide on the slow path */
		proto = ip->protocol;
		if (proto != 17 && proto != 6)
			return 0;
		ports = (void *)ip + ip->ihl * 4;
	} else if (skb->protocol == ETH_P_IPV6_BE) {
		struct ipv6hdr *ip6 = data + DNS_ETH_HLEN;
		if ((void *)(ip6 + 1) > end)
			return 1;
		proto = ip6->nexthdr;
		if (proto != 17 && proto != 6)
			return 1; /* extension headers: the slow path walks them */
		ports = (void *)(ip6 + 1);
	} else {
		return 0;
	}
	if ((void *)(ports + 4) > end)
		return 1;
	__u16 sport = ((__u16)ports[0] << 8) | ports[1];
	__u16 dport = ((__u16)ports[2] << 8) | ports[3];
	return sport == 53 || dport == 53;
}

/* Finds the UDP or TCP header with the helper: safe wherever the bytes are. */
static __always_inline int dns_locate(struct __sk_buff *skb, struct dns_l4 *l4)
{
	if (skb->protocol == ETH_P_IP_BE) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, DNS_ETH_HLEN, &ip, sizeof(ip)) < 0 || ip.version != 4 || ip.ihl < 5)
			return -1;
		if (ip.frag_off & bpf_htons(0x3fff))
			return -1;
		l4->version = 4;
		l4->proto = ip.protocol;
		l4->off = DNS_ETH_HLEN + ip.ihl * 4;
		dns_v4mapped(l4->saddr, ip.saddr);
		dns_v4mapped(l4->daddr, ip.daddr);
		return 0;
	}
	if (skb->protocol != ETH_P_IPV6_BE)
		return -1;
	struct ipv6hdr ip6;
	if (bpf_skb_load_bytes(skb, DNS_ETH_HLEN, &ip6, sizeof(ip6)) < 0 || ip6.version != 6)
		return -1;
	l4->version = 6;
	__builtin_memcpy(l4->saddr, &ip6.saddr, 16);
	__builtin_memcpy(l4->daddr, &ip6.daddr, 16);
	__u8 next = ip6.nexthdr;
	__u32 off = DNS_ETH_HLEN + sizeof(ip6);
	for (int i = 0; i < DNS_MAX_EXT_HEADERS; i++) {
		if (next != 0 && next != 43 && next != 60 && next != 51)
			break;
		/* initialised (here and l4 in the caller): clang 14 otherwise merges paths that carry
		 * undefined registers, which the verifier rejects as unreadable */
		__u8 ext[2] = {};
		if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)) < 0) {
			next = 255;
			break;
		}
		/* AH counts its length in 4-byte units minus 2, the others in 8-byte units minus 1 */
		__u32 hlen = ((__u32)ext[1] + 1) << 3;
		if (next == 51)
			hlen = ((__u32)ext[1] + 2) << 2;
		off += hlen;
		next = ext[0];
	}
	l4->proto = next; /* 44 (fragment) and anything unknown fall out below */
	l4->off = off;
	return 0;
}

static __always_inline int dns_capture(struct __sk_buff *skb, __u32 dir)
{
	if (!dns_maybe(skb))
		return RETINA_TC_CONTINUE;

	struct dns_l4 l4 = {};
	if (dns_locate(skb, &l4) < 0)
		return RETINA_TC_CONTINUE;

	__u8 ports[4];
	if ((l4.proto != 17 && l4.proto != 6) || bpf_skb_load_bytes(skb, l4.off, ports, sizeof(ports)) < 0)
		return RETINA_TC_CONTINUE;
	__u16 sport = ((__u16)ports[0] << 8) | ports[1];
	__u16 dport = ((__u16)ports[2] << 8) | ports[3];
	if (sport != 53 && dport != 53)
		return RETINA_TC_CONTINUE;

	__u32 off = l4.off + 8;
	if (l4.proto == 6) {
		__u8 doff;
		if (bpf_skb_load_bytes(skb, l4.off + 12, &doff, 1) < 0 || (doff >> 4) < 5)
			return RETINA_TC_CONTINUE;
		off = l4.off + (doff >> 4) * 4;
	}
	if (skb->len <= off)
		return RETINA_TC_CONTINUE; /* no payload: a UDP header alone, or a TCP SYN/ACK/FIN */

	/* the counting rule (header comment): egress counts only what the host sent itself */
	__u32 counted = dir == RETINA_DIR_INGRESS || skb->ingress_ifindex == 0;
	dns_tally(skb, dir, counted);
	if (!counted)
		return RETINA_TC_CONTINUE;

	__u32 wire = skb->len - off;
	__u64 len = wire;
	if (len > DNS_MAX_PAYLOAD)
		len = DNS_MAX_PAYLOAD;

	struct dns_event *e = bpf_ringbuf_reserve(&retina_dns_evts, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_dns_lost);
		return RETINA_TC_CONTINUE;
	}
	e->wire_len = wire;
	e->direction = dir;
	e->ifindex = skb->ifindex;
	__builtin_memcpy(e->saddr, l4.saddr, 16);
	__builtin_memcpy(e->daddr, l4.daddr, 16);
	e->sport = sport;
	e->dport = dport;
	e->ip_version = l4.version;
	e->protocol = l4.proto;
	e->reserved = 0;
	/* the verifier needs a bounded, non-zero length in the very register passed to the helper:
	 * the empty asm stops clang from reusing the unchecked copy of len */
	asm volatile("" : "+r"(len));
	if (len == 0 || len > DNS_MAX_PAYLOAD || bpf_skb_load_bytes(skb, off, e->data, len) < 0) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return RETINA_TC_CONTINUE;
	}
	e->len = len;
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_dns_evts));
	return RETINA_TC_CONTINUE;
}

SEC("tc")
int retina_dns_ing(struct __sk_buff *skb)
{
	return dns_capture(skb, RETINA_DIR_INGRESS);
}

SEC("tc")
int retina_dns_egr(struct __sk_buff *skb)
{
	return dns_capture(skb, RETINA_DIR_EGRESS);
}
