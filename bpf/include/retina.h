/* Shared definitions for Retina.NET eBPF programs. Every struct shared with user space is
 * checked against this object's BTF by the loader at start-up, so keep fields explicit. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define RETINA_DIR_INGRESS 0
#define RETINA_DIR_EGRESS 1
#define RETINA_DIR_UNKNOWN 2

/* TC_ACT_UNSPEC and TCX_NEXT are both -1: the packet continues unchanged, whichever hook runs us. */
#define RETINA_TC_CONTINUE -1

#define ETH_P_IP_BE 0x0008 /* htons(0x0800) */
#define ETH_P_IPV6_BE 0xDD86 /* htons(0x86DD) */

/* Configuration written by the loader before attaching: index 0. */
struct retina_config {
	__u32 netns_inum; /* 0: every namespace; otherwise only events of this network namespace */
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct retina_config);
} retina_config SEC(".maps");

static __always_inline __u32 retina_filter_netns(void)
{
	__u32 zero = 0;
	struct retina_config *cfg = bpf_map_lookup_elem(&retina_config, &zero);
	return cfg ? cfg->netns_inum : 0;
}

/* The namespace of the device if there is one, else of the socket: bpf_get_netns_cookie() in TC
 * would give the socket's namespace, which is not the one the packet crosses. */
static __always_inline __u32 retina_skb_netns(struct sk_buff *skb)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	struct sock *sk = BPF_CORE_READ(skb, sk);
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	return 0;
}

static __always_inline int retina_netns_allowed(__u32 inum)
{
	__u32 want = retina_filter_netns();
	return want == 0 || want == inum;
}

/* Ring buffer reservations that fail are counted here (index 0), per CPU, so user space can
 * report them as lost events. */
#define RETINA_LOST_MAP(name)                          \
	struct {                                       \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, 1);                \
		__type(key, __u32);                    \
		__type(value, __u64);                  \
	} name SEC(".maps")

static __always_inline void retina_count_lost(void *map)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(map, &zero);
	if (v)
		*v += 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Keeps a struct that only travels through a ring buffer in the object's BTF, so the loader can
 * check its size against the managed mirror at start-up. */
#define RETINA_BTF_TYPE(type) type *retina_btf_##type##_anchor SEC(".bss")

/* Waking the reader on every record costs more than the program itself; wake it only once a
 * batch is waiting. The reader polls with a short timeout, so a lone record still arrives within
 * that timeout. */
#define RETINA_RINGBUF_WAKEUP_BYTES (64 * 1024)

static __always_inline __u64 retina_ringbuf_wakeup(void *ringbuf)
{
	return bpf_ringbuf_query(ringbuf, BPF_RB_AVAIL_DATA) >= RETINA_RINGBUF_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}
