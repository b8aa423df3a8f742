#pragma once
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "types.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define NSEC_PER_SEC 1000000000ULL

/* An offset masked so the verifier can bound a packet pointer built from it.
 * Plain `x & mask` is dropped by clang when it proves the mask redundant, and the
 * verifier may not follow that proof (e.g. across a 32-bit truncation). */
#define bound_off(x, mask)                                   \
	({                                                   \
		__u64 __v = (x);                             \
		asm volatile("%0 &= " #mask : "+r"(__v));    \
		__v;                                         \
	})
