"""Protocol v1 event encoding (SPEC.md §3, §4). Names and tag sets are encoded once by the caller
(encode_name / encode_tags) and cached, so one event costs a header, a number and a join.

Functions that validate return the bytes or, for bad input, the SPEC.md §5 reason as a str:
bad input is data, not an exception."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple, Union

from .msgpack_write import encode_number, encode_str, map_header, str_header, utf8
from .spec import (
    KIND_INFLIGHT_REPORT,
    KIND_SET,
    MAX_CLIENT_ID_BYTES,
    MAX_NAME_BYTES,
    MAX_SET_MEMBER_BYTES,
    MAX_TAG_KEY_BYTES,
    MAX_TAG_VALUE_BYTES,
    MAX_TAGS,
    SPAN_ID_BYTES,
    TRACE_ID_BYTES,
)

# A map16 header is at most 3 bytes: reports reserve that much whatever their entry count.
_MAP_HEADER_RESERVE = 3
# Entries per report part: the map16 maximum, so a part never needs a map32 header.
_MAX_ENTRIES_PER_REPORT = 0xFFFF
# Numbers at or past 10^200 in magnitude have more than 200 digits: too long as set members.
_MEMBER_INT_LIMIT = 10**MAX_SET_MEMBER_BYTES


def encode_name(name: object) -> Union[bytes, str]:
    """A task or metric name as a msgpack str, or 'bad_name' / 'name_too_long'."""
    if type(name) is not str or not name:
        return "bad_name"
    # More than 200 code points is more than 200 UTF-8 bytes: reject before encoding.
    if len(name) > MAX_NAME_BYTES:
        return "name_too_long"
    data = utf8(name)
    if len(data) > MAX_NAME_BYTES:
        return "name_too_long"
    return encode_str(name)


def encode_client_id(client_id: object) -> Union[bytes, str]:
    if type(client_id) is not str or not client_id or len(utf8(client_id)) > MAX_CLIENT_ID_BYTES:
        return "bad_inflight"
    return encode_str(client_id)


def encode_sender_id(client_id: object) -> Union[bytes, str]:
    """A v1.1 header's client id (SPEC.md §3.3, a str of 1..64 UTF-8 bytes), or 'bad_header'."""
    encoded = encode_client_id(client_id)
    return "bad_header" if type(encoded) is str else encoded


def encode_header(sender_id_bytes: bytes, sequence: int) -> bytes:
    """[0, clientId, sequence]: the first event of a v1.1 datagram (SPEC.md §3.3)."""
    return b"\x93\x00" + sender_id_bytes + encode_number(sequence)


def encode_tags(pairs: Sequence[Tuple[object, object]]) -> Union[bytes, str, None]:
    """Tag pairs [(key, value), ...] as a msgpack map in the given order (SPEC §4), None when there
    are none, or 'bad_tags' / 'tag_too_long'."""
    if not pairs:
        return None
    if len(pairs) > MAX_TAGS:
        return "bad_tags"
    parts = [map_header(len(pairs))]
    for key, value in pairs:
        if type(key) is not str or type(value) is not str or not key:
            return "bad_tags"
        key_bytes = utf8(key)  # type: ignore[arg-type]
        value_bytes = utf8(value)  # type: ignore[arg-type]
        if len(key_bytes) > MAX_TAG_KEY_BYTES or len(value_bytes) > MAX_TAG_VALUE_BYTES:
            return "tag_too_long"
        parts.append(encode_str(key))
        parts.append(encode_str(value))
    return b"".join(parts)


def event_head(kind: int, name_bytes: bytes, sample_rate: float, tag_bytes: Optional[bytes]) -> bytes:
    """Everything before the value: array header, type, name. 3 elements, 4 with a sample rate,
    5 with tags (SPEC §3)."""
    if tag_bytes is not None:
        size = 0x95
    elif sample_rate != 1:
        size = 0x94
    else:
        size = 0x93
    return bytes((size, kind)) + name_bytes


def event_tail(sample_rate: float, tag_bytes: Optional[bytes]) -> bytes:
    """Everything after the value: the rate (omitted when 1 without tags, nil when 1 with tags),
    then the tags (SPEC §4)."""
    if sample_rate != 1:
        rate = encode_number(sample_rate)
        return rate if tag_bytes is None else rate + tag_bytes
    return b"" if tag_bytes is None else b"\xc0" + tag_bytes


def encode_event(kind: int, name_bytes: bytes, value: Union[int, float], sample_rate: float, tag_bytes: Optional[bytes]) -> bytes:
    """[kind, name, value, sampleRate?, tags?] for a value and rate the caller validated."""
    return event_head(kind, name_bytes, sample_rate, tag_bytes) + encode_number(value) + event_tail(sample_rate, tag_bytes)


def _hex_id(text: object, size: int) -> Optional[bytes]:
    """An id as OpenTelemetry writes it (2 * size lowercase hex digits, not all zero), or None."""
    if type(text) is not str or len(text) != 2 * size or text != text.lower():  # type: ignore[arg-type]
        return None
    try:
        raw = bytes.fromhex(text)  # type: ignore[arg-type]
    except ValueError:
        return None
    # fromhex skips spaces between digits: a space leaves raw shorter than size.
    return raw if len(raw) == size and any(raw) else None


def encode_exemplar(trace_id: object, span_id: object) -> Union[bytes, str]:
    """[11, bin8 traceId, bin8 spanId] (SPEC.md §3.4) from the hex ids, or 'bad_exemplar'. The
    bytes go right before the event they belong to, in the same datagram."""
    trace = _hex_id(trace_id, TRACE_ID_BYTES)
    span = _hex_id(span_id, SPAN_ID_BYTES)
    if trace is None or span is None:
        return "bad_exemplar"
    return b"\x93\x0b\xc4\x10" + trace + b"\xc4\x08" + span


def encode_member(member: object) -> Union[bytes, str]:
    """A set member as a msgpack str (SPEC §3.2): a str of 1..200 UTF-8 bytes, or an int or float
    as its decimal text (str(42) is "42", the member StatsD `x:42|s` adds). 'bad_value' for bool,
    None, any other type, an empty or too long member; 'non_finite_value' for NaN and ±inf."""
    member_type = type(member)
    if member_type is int:
        # Past 10^200 the text is longer than a member may be (and str() of a huge int can raise).
        if not -_MEMBER_INT_LIMIT < member < _MEMBER_INT_LIMIT:  # type: ignore[operator]
            return "bad_value"
        member = str(member)
    elif member_type is float:
        # NaN and ±inf are the only floats for which x - x is not 0.
        if member - member != 0.0:  # type: ignore[operator]
            return "non_finite_value"
        # A whole float is written as an int (42.0 -> "42"), as the TypeScript client and StatsD
        # clients write it, so that both send one member.
        member = str(int(member)) if member.is_integer() and abs(member) < 1e21 else str(member)  # type: ignore[union-attr]
    elif member_type is not str:
        return "bad_value"
    # More than 200 code points is more than 200 UTF-8 bytes: reject before encoding.
    if not member or len(member) > MAX_SET_MEMBER_BYTES:  # type: ignore[arg-type]
        return "bad_value"
    data = utf8(member)  # type: ignore[arg-type]
    if len(data) > MAX_SET_MEMBER_BYTES:
        return "bad_value"
    return str_header(len(data)) + data


def encode_set(name_bytes: bytes, member_bytes: bytes, sample_rate: float, tag_bytes: Optional[bytes]) -> bytes:
    """[10, name, member, sampleRate?, tags?] for a member from encode_member and a checked rate.
    The rate goes on the wire as for any kind; the agent checks it and counts the member anyway."""
    return event_head(KIND_SET, name_bytes, sample_rate, tag_bytes) + member_bytes + event_tail(sample_rate, tag_bytes)


def encode_inflight_report(
    client_id_bytes: bytes, sequence: int, flush_interval_ms: int, names: List[bytes], counts: List[int], start: int, room_bytes: int
) -> Tuple[Any, int]:
    """[9, clientId, sequence, flushIntervalMs, {names[i]: counts[i]}] with as many entries from
    index `start` as fit in room_bytes. Returns (bytes, end): end is the index after the last entry
    written; (None, start) when not even one entry (or the empty report) fits. An empty entry list
    writes an empty map: a heartbeat that says "all zero" (SPEC §3.1)."""
    fixed = 2 + len(client_id_bytes)
    seq_bytes = encode_number(sequence)
    interval_bytes = encode_number(flush_interval_ms)
    room = room_bytes - fixed - len(seq_bytes) - len(interval_bytes)
    used = _MAP_HEADER_RESERVE
    total = len(names)
    end = start
    entries = []
    while end < total and end - start < _MAX_ENTRIES_PER_REPORT:
        name = names[end]
        count = encode_number(counts[end])
        if used + len(name) + len(count) > room:
            break
        used += len(name) + len(count)
        entries.append(name)
        entries.append(count)
        end += 1
    if (end == start and total > start) or used > room:
        return None, start
    head = bytes((0x95, KIND_INFLIGHT_REPORT)) + client_id_bytes + seq_bytes + interval_bytes + map_header(end - start)
    return head + b"".join(entries), end
