"""The client's own telemetry (client.stats()) and the one place failures are reported: counted by
reason, then handed to error_handler inside try/except, or, with no handler, one logging warning
per client and silence after (a throwing handler or a dead agent never reaches the app)."""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Dict, Optional

from .errors import DROP_REASONS, TaskmeterDropError, TaskmeterError

_log = logging.getLogger("taskmeter")


class ClientTelemetry:
    """Counters are guarded by their own lock: drops are counted from app threads and from the
    flush thread. The handler is called outside that lock, so it may call the client again."""

    def __init__(self, error_handler: Optional[Callable[[TaskmeterError], Any]]) -> None:
        self.sent = 0
        self.datagrams = 0
        self.reports = 0
        self.sampled_out = 0
        self.socket_errors = 0
        self._dropped = dict.fromkeys(DROP_REASONS, 0)
        self._error_handler = error_handler
        self._warned = False
        self._lock = threading.Lock()

    def reset_after_fork(self) -> None:
        self._lock = threading.Lock()

    def drop(self, reason: str, event_count: int, message: str) -> None:
        if reason not in self._dropped:
            reason = "bad_argument"
        with self._lock:
            self._dropped[reason] += event_count
        self._report(TaskmeterDropError(reason, event_count, "taskmeter client: " + message))

    def count_sampled_out(self) -> None:
        with self._lock:
            self.sampled_out += 1

    def count_sent(self, events: int, reports: int) -> None:
        with self._lock:
            self.sent += events
            self.reports += reports
            self.datagrams += 1

    def socket_error(self, message: str) -> None:
        with self._lock:
            self.socket_errors += 1
        self._report(TaskmeterError("TM_ERR_SOCKET", "taskmeter client: " + message))

    def _report(self, error: TaskmeterError) -> None:
        handler = self._error_handler
        if handler is not None:
            try:
                handler(error)
            except Exception:  # noqa: BLE001 - the handler is the app's code; its failure must not break the call that reported
                pass
            return
        if self._warned:
            return
        self._warned = True
        try:
            _log.warning("%s (further failures are counted in client.stats() without warning)", error)
        except Exception:  # noqa: BLE001 - logging can be reconfigured by the app; nothing more to do
            pass

    def snapshot(self, pending: int) -> Dict[str, Any]:
        with self._lock:
            dropped = {reason: n for reason, n in self._dropped.items() if n > 0}
            return {
                "sent": self.sent,
                "datagrams": self.datagrams,
                "reports": self.reports,
                "pending": pending,
                "sampled_out": self.sampled_out,
                "socket_errors": self.socket_errors,
                "dropped": dropped,
            }
