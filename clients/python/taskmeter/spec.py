"""Constants of wire protocol v1. protocol/SPEC.md is the normative text; these mirror it."""

# 0xFE never occurs in UTF-8, so the agent tells a protocol datagram from StatsD text by byte 0.
PREFIX = b"\xfe\x54\x4d\x01"  # magic FE 'T' 'M', version 1 (SPEC.md §2)
PREFIX_BYTES = 4

# 1432 = 1500 (Ethernet MTU) - 20 (IPv4) - 8 (UDP) - 40 of headroom (SPEC.md §1).
DEFAULT_MAX_DATAGRAM_BYTES = 1432
# Largest UDP payload over IPv4.
MAX_DATAGRAM_BYTES = 65507
# The TS client's loopback default: a loopback send costs about the same at 1432 or 8192 bytes,
# so bigger datagrams cut the per-event share of it (client/src/options.ts).
LOOPBACK_MAX_DATAGRAM_BYTES = 8192
# Room for the prefix and a few small events (the TS BatchEncoder's floor).
MIN_DATAGRAM_BYTES = 64

MAX_NAME_BYTES = 200
MAX_TAGS = 16
MAX_TAG_KEY_BYTES = 64
MAX_TAG_VALUE_BYTES = 200
# A set member has the tag value limit: members are label-like strings (SPEC.md §3.2).
MAX_SET_MEMBER_BYTES = 200
MAX_CLIENT_ID_BYTES = 64
MIN_FLUSH_INTERVAL_MS = 1
MAX_FLUSH_INTERVAL_MS = 60000
MAX_INFLIGHT_COUNT = 0xFFFFFFFF

KIND_TIMING = 1
KIND_COUNT = 2
KIND_GAUGE = 3
KIND_GAUGE_DELTA = 4
KIND_HISTOGRAM = 5
KIND_TASK_START = 6
KIND_TASK_END_SUCCESS = 7
KIND_TASK_END_ERROR = 8
KIND_INFLIGHT_REPORT = 9
KIND_SET = 10
# Not an event of its own: the trace behind the next timing, task end or histogram (SPEC.md §3.4).
KIND_EXEMPLAR = 11
TRACE_ID_BYTES = 16
SPAN_ID_BYTES = 8

KIND_NAMES = (
    None,
    "timing",
    "count",
    "gauge",
    "gauge_delta",
    "histogram",
    "task_start",
    "task_end_success",
    "task_end_error",
    "inflight_report",
    "set",
)

# SPEC.md §5: event reasons, which the client also uses when the app passes a bad name, value or
# tag, and the reasons only a client produces (last paragraph of §5).
EVENT_REASONS = (
    "bad_shape",
    "bad_type",
    "bad_name",
    "name_too_long",
    "bad_value",
    "non_finite_value",
    "negative_duration",
    "bad_sample_rate",
    "bad_tags",
    "tag_too_long",
    "bad_inflight",
    "bad_header",
    "bad_exemplar",
)
CLIENT_REASONS = ("send_failed", "closed", "bad_argument")
