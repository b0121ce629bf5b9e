/* dns: copies UDP port-53 payloads (requests and responses) into a ring buffer; parsing happens
 * in user space, where a malformed message can only cost a counter, never the kernel. */
#include "retina.h"

#define DNS_MAX_PAYLOAD 512

struct dns_event {
	__u32 len;       /* bytes of DNS message copied into data */
	__u32 direction;
	__u32 saddr;     /* IPv4, network order */
	__u32 daddr;
	__u16 sport;     /* host order */
	__u16 dport;
	__u32 reserved;
	__u8 data[DNS_MAX_PAYLOAD];
};

typedef struct dns_event dns_event_t;
RETINA_BTF_TYPE(dns_event_t);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} dns_events SEC(".maps");

RETINA_LOST_MAP(dns_lost);

/* Fast path with direct packet access: most packets are not DNS and leave after a few loads. */
static __always_inline int dns_capture(struct __sk_buff *skb, __u32 dir)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr ip;
	struct udphdr udp;
	__u32 l4;

	if ((void *)(eth + 1) > end || eth->h_proto != ETH_P_IP_BE)
		return RETINA_TC_CONTINUE;

	struct iphdr *iph = (void *)(eth + 1);
	if ((void *)(iph + 1) <= end) {
		if (iph->protocol != 17)
			return RETINA_TC_CONTINUE;
		l4 = 14 + iph->ihl * 4;
		struct udphdr *uh = (void *)iph + iph->ihl * 4;
		if ((void *)(uh + 1) <= end && uh->source != bpf_htons(53) && uh->dest != bpf_htons(53))
			return RETINA_TC_CONTINUE;
	}

	/* DNS, or headers outside the linear part: read them the slow, safe way */
	if (bpf_skb_load_bytes(skb, 14, &ip, sizeof(ip)) < 0)
		return RETINA_TC_CONTINUE;
	if (ip.protocol != 17 || (ip.frag_off & bpf_htons(0x3fff)))
		return RETINA_TC_CONTINUE;
	l4 = 14 + ip.ihl * 4;
	if (bpf_skb_load_bytes(skb, l4, &udp, sizeof(udp)) < 0)
		return RETINA_TC_CONTINUE;
	__u16 sport = bpf_ntohs(udp.source), dport = bpf_ntohs(udp.dest);
	if (sport != 53 && dport != 53)
		return RETINA_TC_CONTINUE;

	__u32 off = l4 + sizeof(udp);
	if (skb->len <= off)
		return RETINA_TC_CONTINUE;
	__u64 len = (__u64)skb->len - off;
	if (len > DNS_MAX_PAYLOAD)
		len = DNS_MAX_PAYLOAD;

	struct dns_event *e = bpf_ringbuf_reserve(&dns_events, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&dns_lost);
		return RETINA_TC_CONTINUE;
	}
	e->direction = dir;
	e->saddr = ip.saddr;
	e->daddr = ip.daddr;
	e->sport = sport;
	e->dport = dport;
	e->reserved = 0;
	/* the verifier needs a bounded, non-zero length in the very register passed to the helper:
	 * the empty asm stops clang from reusing the unchecked copy of len */
	asm volatile("" : "+r"(len));
	if (len == 0 || len > DNS_MAX_PAYLOAD || bpf_skb_load_bytes(skb, off, e->data, len) < 0) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return RETINA_TC_CONTINUE;
	}
	e->len = len;
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&dns_events));
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
