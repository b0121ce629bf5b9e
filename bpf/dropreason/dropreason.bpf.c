/* dropreason: every skb the kernel frees as a drop, by the kernel's own drop reason
 * (enum skb_drop_reason, named from kernel BTF in user space) and direction. */
#include "retina.h"

struct drop_key {
	__u32 reason;
	__u32 direction;
};

struct drop_value {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct drop_key);
	__type(value, struct drop_value);
} retina_drops SEC(".maps");

/* Drops that did not fit in retina_drops (map full), per CPU: reported as lost events. */
RETINA_LOST_MAP(retina_droplost);

SEC("tracepoint/skb/kfree_skb")
int retina_drop(struct trace_event_raw_kfree_skb *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)BPF_CORE_READ(ctx, skbaddr);
	__u32 reason = (__u32)BPF_CORE_READ(ctx, reason);

	/* SKB_CONSUMED (1) is a normal free, not a drop; older kernels report it here. */
	if (reason == 1 || !skb)
		return 0;
	if (!retina_netns_allowed(retina_skb_netns(skb)))
		return 0;

	/* a received packet carries the index of the interface it arrived on; a packet of the node's
	 * own has a device once routing chose one (POSTROUTING and later): before that (OUTPUT, the
	 * socket layer) the direction is unknown, as Retina reports it */
	__u32 dir = RETINA_DIR_UNKNOWN;
	if (BPF_CORE_READ(skb, skb_iif))
		dir = RETINA_DIR_INGRESS;
	else if (BPF_CORE_READ(skb, dev))
		dir = RETINA_DIR_EGRESS;
	struct drop_key key = {
		.reason = reason,
		.direction = dir,
	};
	__u32 len = BPF_CORE_READ(skb, len);

	struct drop_value *v = bpf_map_lookup_elem(&retina_drops, &key);
	if (v) {
		v->packets++;
		v->bytes += len;
		return 0;
	}
	struct drop_value init = { .packets = 1, .bytes = len };
	if (bpf_map_update_elem(&retina_drops, &key, &init, BPF_NOEXIST) < 0) {
		v = bpf_map_lookup_elem(&retina_drops, &key);
		if (v) {
			v->packets++;
			v->bytes += len;
		} else {
			retina_count_lost(&retina_droplost);
		}
	}
	return 0;
}
