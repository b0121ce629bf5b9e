/* Programs used only by bench/Retina.NodeRuntime.Bench: an empty TC program (the baseline the
 * plugins' per-run cost is compared to) and a ring-buffer producer driven by BPF_PROG_TEST_RUN. */
#include "retina.h"

SEC("tc")
int retina_empty(struct __sk_buff *skb)
{
	return RETINA_TC_CONTINUE;
}

struct bench_event {
	__u64 seq;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} retina_bench SEC(".maps");

RETINA_LOST_MAP(retina_bench_ls);

/* Each run emits one event; BPF_PROG_TEST_RUN's repeat drives the producer rate. */
SEC("tc")
int retina_bench_rb(struct __sk_buff *skb)
{
	struct bench_event *e = bpf_ringbuf_reserve(&retina_bench, sizeof(*e), 0);
	if (!e) {
		retina_count_lost(&retina_bench_ls);
		return RETINA_TC_CONTINUE;
	}
	e->seq = bpf_ktime_get_ns();
	e->value = skb->len;
	bpf_ringbuf_submit(e, retina_ringbuf_wakeup(&retina_bench));
	return RETINA_TC_CONTINUE;
}
