"""The interval flush: one daemon thread per client that calls on_tick every interval while armed.
It is armed by the first event or task start and disarms itself when a tick finds nothing to send
or report, so an idle client costs no wakeups (the TS client's unref()ed setInterval). It shares
the core's lock through a Condition: on_tick runs under that lock."""
from __future__ import annotations

import threading
import time
from typing import Callable, Optional


class IntervalFlusher:
    def __init__(self, interval_ms: int, on_tick: Callable[[], None], lock: threading.RLock) -> None:
        self._interval_s = interval_ms / 1000.0
        self._on_tick = on_tick
        self._cond = threading.Condition(lock)
        # Read without the lock on the hot path: a stale False only costs one redundant arm().
        self.armed = False
        self._stopped = False
        self._thread: Optional[threading.Thread] = None

    def arm(self) -> None:
        """Call with the lock held."""
        if self._stopped:
            return
        self.armed = True
        if self._thread is None:
            thread = threading.Thread(target=self._run, name="taskmeter-flush", daemon=True)
            try:
                thread.start()
            except RuntimeError:
                # Interpreter shutdown: no new threads. The atexit close still sends what is pending.
                self.armed = False
                return
            self._thread = thread
        else:
            self._cond.notify()

    def stop(self) -> None:
        """Call with the lock held. The thread ends at its next wakeup, which this causes."""
        self._stopped = True
        self.armed = False
        self._cond.notify()

    def _run(self) -> None:
        cond = self._cond
        interval_s = self._interval_s
        with cond:
            while not self._stopped:
                if not self.armed:
                    cond.wait()
                    continue
                # Ticks keep a fixed period from the arming, like setInterval; wait() returns early
                # only for stop() or arm(), and the deadline loop absorbs early returns.
                next_tick = time.monotonic() + interval_s
                while not self._stopped:
                    left = next_tick - time.monotonic()
                    if left <= 0:
                        try:
                            self._on_tick()
                        except Exception:  # noqa: BLE001 - on_tick counts its own failures; the thread must live on
                            pass
                        if not self.armed:
                            break
                        next_tick += interval_s
                        # A thread starved for several intervals ticks once, not once per missed tick.
                        now = time.monotonic()
                        if next_tick < now:
                            next_tick = now + interval_s
                        continue
                    cond.wait(left)
