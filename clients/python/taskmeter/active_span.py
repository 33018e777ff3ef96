"""The active OpenTelemetry span, when the app has `opentelemetry-api` (an optional import): its
ids go with the timing or task end as an exemplar (SPEC.md §3.4). The API is imported at most
once per process; an app without it pays one None check per timing and never sees an ImportError."""
from __future__ import annotations

from typing import Any, Optional, Tuple

# W3C trace flags bit 0: the span is sampled, so its trace will exist to link to.
_SAMPLED = 1
_NOT_LOOKED_UP: Any = object()
_trace_api: Any = _NOT_LOOKED_UP


def load_otel_trace() -> Any:
    """The app's opentelemetry.trace module, imported once; None without it."""
    global _trace_api
    if _trace_api is _NOT_LOOKED_UP:
        try:
            from opentelemetry import trace  # type: ignore[import-not-found]

            _trace_api = trace if callable(getattr(trace, "get_current_span", None)) else None
        except Exception:  # noqa: BLE001 - not installed, or broken: no exemplars of its own accord
            _trace_api = None
    return _trace_api


class ActiveSpan:
    """current(): the exemplar bytes of the active span when it is valid and sampled, else b""."""

    __slots__ = ("_get_current_span", "_last")

    def __init__(self, trace_api: Any) -> None:
        self._get_current_span = trace_api.get_current_span
        # ((trace_id, span_id), exemplar bytes) of the span last seen, swapped as one tuple so that
        # threads never read one span's ids with another's bytes.
        self._last: Tuple[Any, bytes] = (None, b"")

    def current(self) -> bytes:
        try:
            span = self._get_current_span().get_span_context()
            if not span.is_valid or not int(span.trace_flags) & _SAMPLED:
                return b""
            key = (span.trace_id, span.span_id)
            last = self._last
            if last[0] == key:
                return last[1]
            # OpenTelemetry holds the ids as ints; to_bytes raises for one out of range.
            encoded = b"\x93\x0b\xc4\x10" + span.trace_id.to_bytes(16, "big") + b"\xc4\x08" + span.span_id.to_bytes(8, "big")
            self._last = (key, encoded)
            return encoded
        except Exception:  # noqa: BLE001 - a broken span is no span
            return b""


def active_span_source() -> Optional[ActiveSpan]:
    trace_api = load_otel_trace()
    return None if trace_api is None else ActiveSpan(trace_api)
