"""State shared by a client and all its children: one lock, one batch, one socket (UDP or unix), one in-flight
tracker, one flush thread, one set of stats. Children differ only in prefix and tags (client.py).

Thread safety: every mutation of the batch and the in-flight tracker happens under self.lock (an
RLock, so an error_handler that calls the client from inside a flush does not deadlock)."""
from __future__ import annotations

import atexit
import os
import secrets
import threading
import weakref
from typing import Any, Dict, List, Optional, Tuple

from .active_span import ActiveSpan, active_span_source
from .batch_buffer import BatchBuffer
from .client_stats import ClientTelemetry
from .encode import encode_client_id, encode_sender_id
from .flush_thread import IntervalFlusher
from .inflight import InflightTracker
from .mock_transport import MockTransport
from .options import ResolvedOptions, default_client_id
from .udp_transport import UdpTransport
from .unix_transport import UnixTransport

# Task names kept for report()'s default list; past this the report names only the first ones.
MAX_REPORT_TASKS = 1000

# Cores not yet closed: closed at interpreter exit, re-identified in a forked child.
_LIVE_CORES: weakref.WeakSet[ClientCore] = weakref.WeakSet()


class ClientCore:
    def __init__(self, options: ResolvedOptions) -> None:
        self.options = options
        self.telemetry = ClientTelemetry(options.error_handler)
        self.inflight = InflightTracker()
        self.closed = False
        self.task_names: Dict[str, bool] = {}  # a dict as an ordered set: full task names, in first-use order
        self.mock: Optional[MockTransport] = MockTransport(self.telemetry) if options.mock else None
        # The app's active OpenTelemetry span; None without the API or with exemplars off.
        self.spans: Optional[ActiveSpan] = active_span_source() if options.exemplars else None
        if self.mock is not None:
            self.transport: Any = self.mock
        elif options.unix_socket is not None:
            self.transport = UnixTransport(options.unix_socket, self.telemetry)
        else:
            self.transport = UdpTransport(options.host, options.port, self.telemetry, options.clock_ms)
        self._new_identity()
        _LIVE_CORES.add(self)

    def _new_identity(self) -> None:
        # The datagram header's id (SPEC.md §3.3): the client_id option, else <hostname>:<pid>:<4 hex>,
        # which a forked child draws again (it is another sender, with its own sequence).
        self.client_id = self.options.client_id or default_client_id()
        sender_id = encode_sender_id(self.client_id) if self.options.sequence else None
        self.batch = BatchBuffer(self.options.max_datagram_bytes, self.transport, sender_id)  # type: ignore[arg-type]
        # The in-flight reports' own id, random per instance (SPEC.md §3.1), as the TS client: a
        # client_id the app fixes is reused by the next instance, whose report sequence restarts
        # at 0, and the agent ignores a report older than the last one stored for its id.
        self.report_id = secrets.token_hex(8)
        self._client_id_bytes: Any = encode_client_id(self.report_id)
        self._sequence = 0
        self.lock = threading.RLock()
        self.flusher = IntervalFlusher(self.options.flush_interval_ms, self._on_tick, self.lock)

    def emit(self, event: bytes) -> bool:
        """The hot path's last step: the event is valid and encoded. Returns False after close()."""
        # acquire/try/finally, not `with`: 96 vs 172 ns per lock round trip (CPython 3.11, timeit).
        lock = self.lock
        lock.acquire()
        try:
            if self.closed:
                return False
            batch = self.batch
            if len(batch.buf) + len(event) <= batch.max_datagram_bytes:
                batch.buf += event
                batch.event_count += 1
            else:
                batch.append(event)
            if not self.flusher.armed:
                self.flusher.arm()
            return True
        finally:
            lock.release()

    def remember_task(self, full_name: str) -> None:
        if len(self.task_names) < MAX_REPORT_TASKS:
            self.task_names[full_name] = True

    def mock_events(self) -> List[Dict[str, Any]]:
        """Mock mode: every event so far, the pending datagram decoded first."""
        if self.mock is None:
            return []
        with self.lock:
            self.batch.send()
        return self.mock.events

    def start_task(self, full_name: str, name_bytes: bytes) -> Any:
        """Counts a task in flight (None when closed or past the cap); reports are now due every
        interval while it runs (the heartbeat)."""
        with self.lock:
            if self.closed:
                return None
            task = self.inflight.start(full_name, name_bytes)
            if not self.flusher.armed:
                self.flusher.arm()
            return task

    def end_task(self, task: Any) -> None:
        with self.lock:
            self.inflight.end(task)

    def flush(self) -> None:
        with self.lock:
            if not self.closed:
                self._flush_now()

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self.flusher.stop()
            _LIVE_CORES.discard(self)
            # The last report lists every task at 0, since this client can report no more ends.
            self._flush_now(final=True)
            self.transport.close()

    def stats(self) -> Dict[str, Any]:
        with self.lock:
            pending = self.batch.pending_events()
        return self.telemetry.snapshot(pending)

    def _flush_now(self, final: bool = False) -> None:
        """Under the lock: an in-flight report when one is due (the final one at close), then the
        datagram."""
        try:
            if self.inflight.has_entries():
                inflight = self.inflight
                names, counts = inflight.prepare_final_report() if final else inflight.prepare_report()
                self._append_report(names, counts)
            self.batch.send()
        except Exception as error:  # noqa: BLE001 - never raises into the app
            what = "final flush" if final else "flush"
            self.telemetry.drop("send_failed", self.batch.pending_events(), "%s failed: %r" % (what, error))

    def _append_report(self, names: List[bytes], counts: List[int]) -> None:
        interval_ms = self.options.flush_interval_ms
        self._sequence = self.batch.append_report(self._client_id_bytes, self._sequence, interval_ms, names, counts)

    def _on_tick(self) -> None:
        """The flush thread, under the lock: disarm when there is nothing to send or report."""
        if self.batch.is_empty() and not self.inflight.has_entries():
            self.flusher.armed = False
            return
        self._flush_now()

    def after_fork_in_child(self) -> None:
        # The child is a new client for the agent: its own id and sequence, no flush thread yet (a
        # fork copies only the forking thread), and neither the parent's pending events (the parent
        # sends those) nor its in-flight tasks.
        self.telemetry.reset_after_fork()
        self.inflight.clear()
        self._new_identity()


def _close_all_at_exit() -> None:
    # atexit can still send (unlike Node's process 'exit'): flush what is pending and tell the agent
    # nothing is in flight any more. Handlers the app registers later run before this one.
    for core in list(_LIVE_CORES):
        core.close()


def _reset_all_after_fork() -> None:
    for core in list(_LIVE_CORES):
        core.after_fork_in_child()


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_all_after_fork)
