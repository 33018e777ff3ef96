"""One tracked task (track / start_timer): counted in flight from start to end, then one
task_end_success or task_end_error event carrying the duration in ms (SPEC.md §3). No task_start
event: the in-flight reports carry the count (SPEC.md §3.1: a client MUST NOT send both)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .encode import encode_event
from .msgpack_write import encode_number
from .spec import KIND_TASK_END_ERROR, KIND_TASK_END_SUCCESS
from .call_args import safe_repr
from .tag_cache import merge_tags

if TYPE_CHECKING:
    from .inflight import InflightTask
    from .name_cache import CachedName
    from .record import Recorder

_STATUSES = ("success", "error")


class TaskTimer:
    """Returned by start_timer(), and by `with client.track(...) as timer`. end() never raises."""

    __slots__ = ("_scope", "_start_ms", "name", "task", "start_tags", "tag_bytes", "failed", "_ended")

    def __init__(self, scope: Recorder, start_ms: float) -> None:
        self._scope = scope  # the Client (scope) that started it: its core, names and tags
        self._start_ms = start_ms
        # None when the start was dropped (and counted): the end then sends nothing.
        self.name: Optional[CachedName] = None
        self.task: Optional[InflightTask] = None
        self.start_tags: Any = None
        self.tag_bytes: Optional[bytes] = None
        self.failed = False
        self._ended = False

    def fail(self) -> None:
        """Inside `with client.track(...) as timer`: end as error although no exception was raised
        (an error response returned, not raised)."""
        self.failed = True

    def end(self, status: str = "success", tags: Any = None) -> float:
        """Ends the task as 'success' or 'error', with tags merged over the start's for this event
        only. Returns the duration in ms. Call once; a second call is dropped (bad_argument)."""
        scope = self._scope
        try:
            duration_ms = max(0.0, scope._core.options.clock_ms() - self._start_ms)
            if status not in _STATUSES:
                self._end_in_flight()
                scope._drop("bad_argument", "end() status must be 'success' or 'error' (got %s)" % (safe_repr(status),))
                return duration_ms
            if self._ended:
                scope._drop("bad_argument", "a timer was ended twice; the second end() is ignored")
                return duration_ms
            self._end_in_flight()
            name = self.name
            if name is None:
                return duration_ms
            core = scope._core
            if core.closed:
                scope._drop("closed", "task %r ended after close()" % (name.full_name,))
                return duration_ms
            kind = KIND_TASK_END_ERROR if status == "error" or self.failed else KIND_TASK_END_SUCCESS
            if tags is None:
                tag_bytes = self.tag_bytes
            else:
                combined = merge_tags(self.start_tags, tags)
                tag_bytes: Any = combined if type(combined) is str else scope._scope_tags.for_call(combined)
                if type(tag_bytes) is str:
                    scope._drop(tag_bytes, "end() of %r: %s" % (name.full_name, tag_bytes))
                    return duration_ms
            if tag_bytes is scope._scope_tags.tag_bytes:
                event = name.heads[kind] + encode_number(duration_ms) + scope._scope_tags.plain_tail
            else:
                event = encode_event(kind, name.str_bytes, duration_ms, 1, tag_bytes)
            if not core.emit(scope._trace_bytes() + event):
                scope._drop("closed", "task %r ended after close()" % (name.full_name,))
            return duration_ms
        except Exception as error:  # noqa: BLE001 - never raises into the app
            scope._drop("bad_argument", "end() failed: %s" % (safe_repr(error),))
            return 0.0

    def _end_in_flight(self) -> None:
        # Whatever happens to the end event, the task is no longer in flight.
        if not self._ended:
            self._ended = True
            if self.task is not None:
                self._scope._core.end_task(self.task)
