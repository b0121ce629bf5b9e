/* packetforward: packets, bytes and TCP flags crossing the node's interfaces, per direction.
 * Attached with tcx (or clsact) on ingress and egress; never changes a packet's verdict. */
#include "retina.h"

#define PF_FLAG_FIN 0
#define PF_FLAG_SYN 1
#define PF_FLAG_RST 2
#define PF_FLAG_PSH 3
#define PF_FLAG_ACK 4
#define PF_FLAG_URG 5
#define PF_FLAG_ECE 6
#define PF_FLAG_CWR 7
#define PF_FLAG_SYNACK 8
#define PF_FLAG_COUNT 9

struct retina_forward {
	__u64 packets;
	__u64 bytes;
	__u64 flags[PF_FLAG_COUNT];
};

/* index = direction */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct retina_forward);
} retina_forward SEC(".maps");

/* Direct packet access: the headers of packets crossing an interface are in the linear part of
 * the skb; when they are not, the packet is still counted, only its TCP flags are not. */
static __always_inline void pf_count_tcp(struct __sk_buff *skb, struct retina_forward *c)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u8 *tcp;

	if ((void *)(eth + 1) > end)
		return;
	if (eth->h_proto == ETH_P_IP_BE) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end || ip->protocol != 6)
			return;
		tcp = (__u8 *)ip + ip->ihl * 4;
	} else if (eth->h_proto == ETH_P_IPV6_BE) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end || ip6->nexthdr != 6)
			return;
		tcp = (__u8 *)(ip6 + 1);
	} else {
		return;
	}
	if ((void *)(tcp + 14) > end)
		return;

	__u8 flags = tcp[13];
	if (flags & 0x01) c->flags[PF_FLAG_FIN]++;
	if (flags & 0x02) c->flags[PF_FLAG_SYN]++;
	if (flags & 0x04) c->flags[PF_FLAG_RST]++;
	if (flags & 0x08) c->flags[PF_FLAG_PSH]++;
	if (flags & 0x10) c->flags[PF_FLAG_ACK]++;
	if (flags & 0x20) c->flags[PF_FLAG_URG]++;
	if (flags & 0x40) c->flags[PF_FLAG_ECE]++;
	if (flags & 0x80) c->flags[PF_FLAG_CWR]++;
	if ((flags & 0x12) == 0x12) c->flags[PF_FLAG_SYNACK]++;
}

static __always_inline int pf_count(struct __sk_buff *skb, __u32 dir)
{
	struct retina_forward *c = bpf_map_lookup_elem(&retina_forward, &dir);
	if (!c)
		return RETINA_TC_CONTINUE;
	c->packets++;
	c->bytes += skb->len;
	pf_count_tcp(skb, c);
	return RETINA_TC_CONTINUE;
}

SEC("tc")
int retina_pf_ing(struct __sk_buff *skb)
{
	return pf_count(skb, RETINA_DIR_INGRESS);
}

SEC("tc")
int retina_pf_egr(struct __sk_buff *skb)
{
	return pf_count(skb, RETINA_DIR_EGRESS);
}
