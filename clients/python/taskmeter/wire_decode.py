"""A small protocol v1 (v1.1: with the datagram header) decoder for mock mode (Client(mock=True) decodes what it would have sent)
and for the tests, which check the encoder against it: a whole-value msgpack reader, then SPEC.md
§3/§5 checks on each decoded event, in the wire order of SPEC §5 (element count, type, name,
value, sample rate, tags; key before value). Written from SPEC.md, not ported from
protocol/src/decode.ts, so the vectors check two independent readings of the spec."""
from __future__ import annotations

import math
import struct
from typing import Any, Dict, List, Optional, Tuple

PREFIX = b"\xfe\x54\x4d\x01"
KINDS = (None, "timing", "count", "gauge", "gauge_delta", "histogram", "task_start", "task_end_success", "task_end_error", "inflight_report", "set")
SET_KIND = 10
MAX_SET_MEMBER_BYTES = 200
DURATION_KINDS = (1, 7, 8)
EXEMPLAR_KIND = 11
# The kinds an exemplar attaches to (SPEC.md §3.4): the ones whose value is a duration or an observation.
EXEMPLAR_CARRIERS = ("timing", "histogram", "task_end_success", "task_end_error")
BAD_EXEMPLAR = {"kind": "invalid", "reason": "bad_exemplar"}


class Truncated(Exception):
    pass


class BadEncoding(Exception):
    pass


class MsgStr(bytes):
    """A msgpack str (raw UTF-8 bytes, as the wire limits are in bytes); plain bytes are bin."""


class MsgMap(list):
    """A msgpack map as its (key, value) pairs in wire order (keys may be unhashable)."""


def _take(data: bytes, pos: int, size: int) -> Tuple[bytes, int]:
    end = pos + size
    if end > len(data):
        raise Truncated()
    return data[pos:end], end


def _unpack(fmt: str, data: bytes, pos: int) -> Tuple[Any, int]:
    raw, end = _take(data, pos, struct.calcsize(fmt))
    return struct.unpack(fmt, raw)[0], end


def _sequence(data: bytes, pos: int, count: int, is_map: bool) -> Tuple[Any, int]:
    items = []
    for _ in range(count):
        key, pos = read_value(data, pos)
        if is_map:
            value, pos = read_value(data, pos)
            items.append((key, value))
        else:
            items.append(key)
    return (MsgMap(items) if is_map else items), pos


def read_value(data: bytes, pos: int) -> Tuple[Any, int]:
    """(value, position after it). Raises Truncated or BadEncoding."""
    if pos >= len(data):
        raise Truncated()
    b = data[pos]
    pos += 1
    if b <= 0x7F:
        return b, pos
    if b >= 0xE0:
        return b - 0x100, pos
    if 0x80 <= b <= 0x8F:
        return _sequence(data, pos, b & 0x0F, True)
    if 0x90 <= b <= 0x9F:
        return _sequence(data, pos, b & 0x0F, False)
    if 0xA0 <= b <= 0xBF:
        raw, pos = _take(data, pos, b & 0x1F)
        return MsgStr(raw), pos
    if b == 0xC0:
        return None, pos
    if b in (0xC2, 0xC3):
        return b == 0xC3, pos
    if b in (0xC4, 0xC5, 0xC6, 0xD9, 0xDA, 0xDB):
        size, pos = _unpack({0xC4: ">B", 0xC5: ">H", 0xC6: ">I", 0xD9: ">B", 0xDA: ">H", 0xDB: ">I"}[b], data, pos)
        raw, pos = _take(data, pos, size)
        return (MsgStr(raw) if b >= 0xD9 else bytes(raw)), pos
    numbers = {0xCA: ">f", 0xCB: ">d", 0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q"}
    if b in numbers:
        return _unpack(numbers[b], data, pos)
    if b in (0xDC, 0xDD, 0xDE, 0xDF):
        count, pos = _unpack(">H" if b in (0xDC, 0xDE) else ">I", data, pos)
        return _sequence(data, pos, count, b >= 0xDE)
    raise BadEncoding()  # 0xC1 and the ext types C7..C9, D4..D8 (SPEC §5)


def is_number(value: object) -> bool:
    return type(value) in (int, float)


def is_integer_in(value: Any, low: int, high: int) -> bool:
    return is_number(value) and math.isfinite(value) and value == int(value) and low <= value <= high


def _text(raw: bytes) -> str:
    return bytes(raw).decode("utf-8", "replace")


def _inflight(event: List[Any]) -> Dict[str, Any]:
    client_id, sequence, interval, entries = event[1], event[2], event[3], event[4]
    bad = {"kind": "invalid", "reason": "bad_inflight"}
    if type(client_id) is not MsgStr or not 1 <= len(client_id) <= 64:
        return bad
    if not is_integer_in(sequence, 0, 2**32 - 1) or not is_integer_in(interval, 1, 60000) or type(entries) is not MsgMap:
        return bad
    inflight = {}
    for name, count in entries:
        if type(name) is not MsgStr or not 1 <= len(name) <= 200 or not is_integer_in(count, 0, 2**32 - 1):
            return bad
        inflight[_text(name)] = count
    return {"kind": "inflight_report", "clientId": _text(client_id), "sequence": sequence, "flushIntervalMs": interval, "inflight": inflight}


def _tags_reason(tags: Any) -> Optional[str]:
    if type(tags) is not MsgMap or len(tags) > 16:
        return "bad_tags"
    for key, value in tags:
        if type(key) is not MsgStr or len(key) == 0:
            return "bad_tags"
        if len(key) > 64:
            return "tag_too_long"
        if type(value) is not MsgStr:
            return "bad_tags"
        if len(value) > 200:
            return "tag_too_long"
    return None


def _header(event: List[Any], index: int) -> Dict[str, Any]:
    """SPEC.md §3.3: [0, clientId, sequence], only as the datagram's first event."""
    bad = {"kind": "invalid", "reason": "bad_header"}
    if index != 0 or len(event) != 3:
        return bad
    client_id, sequence = event[1], event[2]
    if type(client_id) is not MsgStr or not 1 <= len(client_id) <= 64 or not is_integer_in(sequence, 0, 2**32 - 1):
        return bad
    return {"kind": "header", "clientId": _text(client_id), "sequence": sequence}


def interpret_event(event: Any, index: int = 1) -> Dict[str, Any]:
    """A decoded msgpack value as a vector item: an event, an in-flight report, a header (index 0:
    the datagram's first event), or an invalid one."""
    if type(event) is not list or not 3 <= len(event) <= 5:
        return {"kind": "invalid", "reason": "bad_shape"}
    kind = event[0]
    if is_number(kind) and kind == 0:
        return _header(event, index)
    if not is_integer_in(kind, 1, SET_KIND):
        return {"kind": "invalid", "reason": "bad_type"}
    kind = int(kind)
    if kind == 9:
        return _inflight(event) if len(event) == 5 else {"kind": "invalid", "reason": "bad_shape"}
    name, value = event[1], event[2]
    if type(name) is not MsgStr or len(name) == 0:
        return {"kind": "invalid", "reason": "bad_name"}
    if len(name) > 200:
        return {"kind": "invalid", "reason": "name_too_long"}
    if kind == SET_KIND:
        # A set member is a str of 1..200 bytes (SPEC.md §3.2); anything else is bad_value.
        if type(value) is not MsgStr or not 1 <= len(value) <= MAX_SET_MEMBER_BYTES:
            return {"kind": "invalid", "reason": "bad_value"}
    elif not is_number(value):
        return {"kind": "invalid", "reason": "bad_value"}
    elif not math.isfinite(value):
        return {"kind": "invalid", "reason": "non_finite_value"}
    elif value < 0 and kind in DURATION_KINDS:
        return {"kind": "invalid", "reason": "negative_duration"}
    rate = event[3] if len(event) >= 4 else None
    if rate is not None and not (is_number(rate) and 0 < rate <= 1):
        return {"kind": "invalid", "reason": "bad_sample_rate"}
    tags = event[4] if len(event) == 5 else None
    if tags is not None:
        reason = _tags_reason(tags)
        if reason is not None:
            return {"kind": "invalid", "reason": reason}
    tag_dict = {_text(k): _text(v) for k, v in tags} if tags else None
    shown = _text(value) if kind == SET_KIND else value
    return {"kind": KINDS[kind], "name": _text(name), "value": shown, "sampleRate": 1 if rate is None else rate, "tags": tag_dict or None}


def is_exemplar(event: Any) -> bool:
    """An array whose first element is type 11, of any size: every malformed one is bad_exemplar."""
    return type(event) is list and len(event) > 0 and is_number(event[0]) and event[0] == EXEMPLAR_KIND


def exemplar_ids(event: List[Any]) -> Optional[Dict[str, str]]:
    """[11, traceId, spanId] as hex ids: two bins of 16 and 8 bytes, neither all zero; else None."""
    if len(event) != 3:
        return None
    trace, span = event[1], event[2]
    if type(trace) is not bytes or type(span) is not bytes or len(trace) != 16 or len(span) != 8:
        return None
    if not any(trace) or not any(span):
        return None
    return {"traceId": trace.hex(), "spanId": span.hex()}


def decode_datagram(data: bytes) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    """(items, reason): reason None when the whole datagram is well-formed (SPEC §5)."""
    data = bytes(data)
    if len(data) < 4:
        starts_like_prefix = len(data) > 0 and PREFIX[: len(data)] == data
        return [], "truncated" if starts_like_prefix else "bad_magic"
    if data[:3] != PREFIX[:3]:
        return [], "bad_magic"
    if data[3] != 1:
        return [], "unsupported_version"
    if len(data) == 4:
        return [], "empty_batch"
    items: List[Dict[str, Any]] = []
    pos = 4
    index = 0
    # An exemplar waits for the next event of the datagram; whatever it cannot attach to (another
    # kind, a rejected event, the end) makes it bad_exemplar, listed before that event's outcome.
    pending: Optional[Dict[str, str]] = None
    while pos < len(data):
        try:
            event, pos = read_value(data, pos)
        except (Truncated, BadEncoding) as error:
            if pending is not None:
                items.append(dict(BAD_EXEMPLAR))
            return items, "truncated" if isinstance(error, Truncated) else "bad_encoding"
        if is_exemplar(event):
            ids = exemplar_ids(event)
            if pending is not None:
                items.append(dict(BAD_EXEMPLAR))
            if ids is None:
                items.append(dict(BAD_EXEMPLAR))
            pending = ids
        else:
            item = interpret_event(event, index)
            if pending is not None:
                if item["kind"] in EXEMPLAR_CARRIERS:
                    item["exemplar"] = pending
                else:
                    items.append(dict(BAD_EXEMPLAR))
                pending = None
            items.append(item)
        index += 1
    if pending is not None:
        items.append(dict(BAD_EXEMPLAR))
    return items, None


def _decoded(datagram: bytes) -> List[Dict[str, Any]]:
    decoded, reason = decode_datagram(datagram)
    if reason is not None:
        raise AssertionError("datagram %s: %s" % (bytes(datagram).hex(), reason))
    return decoded


def events_of(datagrams: List[bytes]) -> List[Dict[str, Any]]:
    """Every item of several datagrams but their headers (headers_of), in order; fails on any
    datagram reason."""
    items = []
    for datagram in datagrams:
        items.extend(item for item in _decoded(datagram) if item["kind"] != "header")
    return items


def headers_of(datagrams: List[bytes]) -> List[Optional[Dict[str, Any]]]:
    """Each datagram's header (SPEC.md §3.3), or None for a datagram without one."""
    out: List[Optional[Dict[str, Any]]] = []
    for datagram in datagrams:
        items = _decoded(datagram)
        out.append(items[0] if items and items[0]["kind"] == "header" else None)
    return out
