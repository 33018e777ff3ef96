"""Events are appended to one datagram buffer; the datagram goes to the transport when the next
event would not fit, or when the client flushes. One send per datagram, never per event. Not
thread-safe by itself: ClientCore calls it under its lock."""
from __future__ import annotations

from typing import Any, List, Optional

from .encode import encode_header, encode_inflight_report
from .spec import MAX_DATAGRAM_BYTES, PREFIX, PREFIX_BYTES


class BatchBuffer:
    __slots__ = ("buf", "max_datagram_bytes", "event_count", "sequence", "_report_count", "_transport", "_sender_id")

    def __init__(self, max_datagram_bytes: int, transport: Any, sender_id: Optional[bytes] = None, sequence: int = 0) -> None:
        # v1.1 (SPEC.md §3.3): with a sender id, every datagram starts with [0, sender_id, sequence],
        # the sequence one more for each datagram handed to the transport, sent or not.
        self._sender_id = sender_id
        self.sequence = sequence
        self.buf = bytearray(PREFIX)
        if sender_id is not None:
            self.buf += encode_header(sender_id, sequence)
        self.max_datagram_bytes = max_datagram_bytes
        # Events and reports in buf; the client's hot path appends to buf and counts here itself.
        self.event_count = 0
        self._report_count = 0
        self._transport = transport

    def _opened(self) -> bytes:
        """The prefix and header of the current datagram; the next datagram gets the next sequence."""
        head = bytes(PREFIX) if self._sender_id is None else PREFIX + encode_header(self._sender_id, self.sequence)
        self._next_datagram()
        return head

    def _next_datagram(self) -> None:
        del self.buf[PREFIX_BYTES:]
        if self._sender_id is not None:
            self.sequence = (self.sequence + 1) & 0xFFFFFFFF
            self.buf += encode_header(self._sender_id, self.sequence)

    def pending_events(self) -> int:
        """Events (not reports) waiting in the current datagram."""
        return self.event_count - self._report_count

    def is_empty(self) -> bool:
        return self.event_count == 0

    def append(self, event: bytes) -> None:
        if len(self.buf) + len(event) > self.max_datagram_bytes:
            self.send()
            if len(self.buf) + len(event) > self.max_datagram_bytes:
                # Long tags on a small max_buffer_size: the event goes alone in a bigger datagram,
                # which SPEC.md §1 allows up to 65507 bytes, rather than being lost. An event is at
                # most a 202-byte name, a number, a rate and 16 tags of 66 + 203 bytes: it fits.
                self._transport.send(self._opened() + event, 1, 0)
                return
        self.buf += event
        self.event_count += 1

    def append_report(self, client_id_bytes: bytes, sequence: int, flush_interval_ms: int, names: List[bytes], counts: List[int]) -> int:
        """Appends the in-flight report, split across datagrams when it does not fit, each part with
        its own sequence number (SPEC.md §3.1). Returns the sequence number after the last part."""
        start = 0
        total = len(names)
        # Each pass writes at least one entry (or the whole empty report), or sends a non-empty
        # datagram after which the next pass writes: 2 passes per entry bound it.
        for _ in range(2 * total + 3):
            room = self.max_datagram_bytes - len(self.buf)
            report, end = encode_inflight_report(client_id_bytes, sequence, flush_interval_ms, names, counts, start, room)
            if report is not None:
                self.buf += report
                self.event_count += 1
                self._report_count += 1
            elif self.event_count > 0:
                self.send()  # full: retry on an empty datagram
                continue
            else:
                # One entry larger than an empty max_buffer_size datagram: alone in a bigger one.
                report, end = encode_inflight_report(
                    client_id_bytes, sequence, flush_interval_ms, names, counts, start, MAX_DATAGRAM_BYTES - len(self.buf)
                )
                self._transport.send(self._opened() + report, 0, 1)
            sequence = (sequence + 1) & 0xFFFFFFFF
            if end >= total:
                return sequence
            start = end
        return sequence

    def send(self) -> None:
        """Hands the current datagram to the transport, if it holds anything."""
        if self.event_count == 0:
            return
        # A copy, and the buffer reset before the send: a send failure is reported to the app's
        # error_handler, which may call the client again and append to this buffer.
        datagram = bytes(self.buf)
        events = self.event_count - self._report_count
        reports = self._report_count
        self._next_datagram()
        self.event_count = 0
        self._report_count = 0
        self._transport.send(datagram, events, reports)
