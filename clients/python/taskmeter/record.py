"""What every public method of a Client ends in: check the app's arguments, drop and count what is
bad (stats()["dropped"]), sample, encode, hand to the core. Nothing here raises into the app."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .call_args import as_number, describe, is_sample_rate, safe_repr, split_extras
from .encode import encode_member, event_head, event_tail
from .msgpack_write import encode_number
from .name_cache import CachedName, NameCache
from .spec import KIND_HISTOGRAM, KIND_NAMES, KIND_SET, KIND_TASK_END_ERROR, KIND_TASK_END_SUCCESS, KIND_TIMING
from .task_timer import TaskTimer

if TYPE_CHECKING:
    from .client_core import ClientCore
    from .tag_cache import ScopeTags

_INT_MIN = -2147483648
_INT_END = 4294967296


# The kinds an exemplar attaches to (SPEC.md §3.4); the active span goes with timings only here
# (task ends take it in TaskTimer.end).
_EXEMPLAR_KINDS = frozenset((KIND_TIMING, KIND_HISTOGRAM, KIND_TASK_END_SUCCESS, KIND_TASK_END_ERROR))
_SPAN_KINDS = frozenset((KIND_TIMING,))
_NO_KINDS: frozenset = frozenset()


def _no_name(_name: object) -> None:
    return None


class Recorder:
    """A client scope: its core (shared with its children), name cache and tags."""

    _core: ClientCore
    _names: NameCache
    _scope_tags: ScopeTags
    _scope_reason: Optional[str]

    def _init_scope(
        self,
        core: ClientCore,
        prefix: str,
        scope_tags: ScopeTags,
        scope_reason: Optional[str],
        exemplar: Optional[bytes] = None,
        names: Optional[NameCache] = None,
    ) -> None:
        self._core = core
        self._names = NameCache(prefix, scope_tags.tag_bytes) if names is None else names
        self._names_get = self._names.get
        # timing()'s fast path: names already marked as tasks (for report()). A child made from
        # bad options finds none, so that all its calls take _record, which drops them.
        self._timing_get = self._names.get_timing if scope_reason is None else _no_name
        self._scope_tags = scope_tags
        # timing()'s fast path: the core's emit and the scope's plain tail, without attribute hops.
        # with_trace()'s exemplar bytes go with every timing, task end and histogram of the scope;
        # without them the active OpenTelemetry span's, if any, go with timings and task ends. A
        # scope with neither keeps the plain emit: no cost on the fast path.
        self._exemplar = exemplar
        if exemplar is not None:
            self._traced_kinds = _EXEMPLAR_KINDS
        else:
            self._traced_kinds = _NO_KINDS if core.spans is None else _SPAN_KINDS
        self._emit = core.emit if not self._traced_kinds else self._emit_traced
        self._plain_tail = scope_tags.plain_tail
        # A child made from bad options drops every event for this reason: child() never raises.
        self._scope_reason = scope_reason

    def _trace_bytes(self) -> bytes:
        """The exemplar event to write right before this scope's next timing or task end, or b""."""
        if self._exemplar is not None:
            return self._exemplar
        spans = self._core.spans
        return b"" if spans is None else spans.current()

    def _emit_traced(self, event: bytes) -> bool:
        # One append: the exemplar and its event always share a datagram.
        return self._core.emit(self._trace_bytes() + event)

    def _sampled(self, kind: int, name: object, value: object, third: object, fourth: object, rate: object, default_rate: float) -> None:
        """The rate and tags from wherever the call put them (call_args.py), then _record."""
        tags = None
        if third is not None or fourth is not None:
            extras = split_extras(third, fourth, rate)
            if type(extras) is str:
                self._drop_event("bad_argument", kind, name, "two sample rates, or tags twice")
                return
            rate, tags = extras  # type: ignore[misc]
        if rate is None:
            rate = default_rate
        elif not is_sample_rate(rate):
            self._drop("bad_sample_rate", "%s %s dropped: sample rate %s is not in (0, 1]" % (KIND_NAMES[kind], describe(name), safe_repr(rate)))
            return
        self._record(kind, name, value, rate, tags)  # type: ignore[arg-type]

    def _record(self, kind: int, name: object, value: Any, sample_rate: float, tags: object) -> None:
        # One try guards everything the app passed (hash of a name, a mapping's items()), so that
        # nothing escapes. Branches in order of the SPEC §5 reasons: name, value, rate, tags.
        core = self._core
        try:
            if core.closed or self._scope_reason is not None:
                self._drop_for_scope(kind, name)
                return
            # Any: a CachedName, or the reason str that resolve() returns for a bad name.
            cached: Any = self._names_get(name)  # type: ignore[arg-type]
            if cached is None:
                cached = self._names.resolve(name)
                if type(cached) is str:
                    self._drop_event(cached, kind, name)
                    return
            if kind == KIND_TIMING and not cached.is_task:
                self._mark_task(name, cached)
            if kind == KIND_SET:
                # A member is a str on the wire, not a number: encoded here, once.
                value_bytes: Any = encode_member(value)
                if type(value_bytes) is str:
                    self._drop_event(value_bytes, kind, name)
                    return
            else:
                value_type = type(value)
                if value_type is not float and value_type is not int:
                    value = as_number(value, kind == KIND_TIMING)
                    if type(value) is str:
                        self._drop_event(value, kind, name)
                        return
                    value_type = type(value)
                if value_type is float:
                    # NaN and ±inf are the only floats for which x - x is not 0.
                    if value - value != 0.0:
                        self._drop_event("non_finite_value", kind, name)
                        return
                elif not _INT_MIN <= value < _INT_END:
                    float(value)  # OverflowError (caught below as non-finite) past ±1.8e308
                if value < 0 and kind == KIND_TIMING:
                    self._drop_event("negative_duration", kind, name)
                    return
                value_bytes = encode_number(value)
            scope_tags = self._scope_tags
            if tags is None:
                tag_bytes: Any = scope_tags.tag_bytes
            else:
                tag_bytes = scope_tags.for_call(tags)
                if type(tag_bytes) is str:
                    self._drop_event(tag_bytes, kind, name)
                    return
            if sample_rate != 1 and core.options.random() >= sample_rate:
                core.telemetry.count_sampled_out()
                return
            if sample_rate == 1 and tag_bytes is scope_tags.tag_bytes:
                event = cached.heads[kind] + value_bytes + scope_tags.plain_tail
            else:
                event = event_head(kind, cached.str_bytes, sample_rate, tag_bytes) + value_bytes + event_tail(sample_rate, tag_bytes)
            if kind in self._traced_kinds:
                event = self._trace_bytes() + event
            if not core.emit(event):
                self._drop_event("closed", kind, name)
        except OverflowError:
            self._drop_event("non_finite_value", kind, name)
        except Exception as error:  # noqa: BLE001 - never raises into the app
            self._drop_event("bad_name" if type(name) is not str else "bad_argument", kind, name, repr(error))

    def _begin_task(self, name: object, tags: object) -> TaskTimer:
        core = self._core
        try:
            timer = TaskTimer(self, core.options.clock_ms())
        except Exception as error:  # noqa: BLE001 - an injected clock that fails
            self._drop("bad_argument", "clock_ms() failed: %r" % (error,))
            timer = TaskTimer(self, 0.0)
        try:
            if core.closed or self._scope_reason is not None:
                self._drop_for_scope(KIND_TASK_END_SUCCESS, name)
                return timer
            cached: Any = self._names_get(name) if type(name) is str else None
            if cached is None:
                cached = self._names.resolve(name)
                if type(cached) is str:
                    self._drop_event(cached, KIND_TASK_END_SUCCESS, name)
                    return timer
            if tags is None:
                timer.tag_bytes = self._scope_tags.tag_bytes
            else:
                tag_bytes: Any = self._scope_tags.for_call(tags)
                if type(tag_bytes) is str:
                    self._drop_event(tag_bytes, KIND_TASK_END_SUCCESS, name)
                    return timer
                timer.tag_bytes = tag_bytes
                timer.start_tags = tags
            if not cached.is_task:
                self._mark_task(name, cached)
            timer.name = cached
            timer.task = core.start_task(cached.full_name, cached.str_bytes)
        except Exception as error:  # noqa: BLE001 - never raises into the app
            self._drop_event("bad_argument", KIND_TASK_END_SUCCESS, name, repr(error))
        return timer

    def _mark_task(self, name: object, cached: CachedName) -> None:
        # A name used as a task goes into report()'s default task list.
        self._names.mark_task(name, cached)
        self._core.remember_task(cached.full_name)

    def _drop_for_scope(self, kind: int, name: object) -> None:
        if self._core.closed:
            self._drop_event("closed", kind, name)
        else:
            self._drop_event(self._scope_reason or "bad_argument", kind, name, "a child() made with bad options")

    def _drop_event(self, reason: str, kind: int, name: object, why: Optional[str] = None) -> None:
        message = "%s %s dropped: %s" % (KIND_NAMES[kind], describe(name), reason)
        self._drop(reason, message if why is None else "%s (%s)" % (message, why))

    def _drop(self, reason: str, message: str) -> None:
        try:
            self._core.telemetry.drop(reason, 1, message)
        except Exception:  # noqa: BLE001 - counting must not raise either
            pass
