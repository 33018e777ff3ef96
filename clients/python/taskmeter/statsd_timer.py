"""client.timer() (pystatsd) and client.timed() (datadog): one object that is a context manager,
a decorator (def and async def) and a manual timer. Each use sends one `timing` event, kept with
probability rate as timing() would be. Unlike track(), it sends no in-flight count and a block
that raises is still timed as a success (the libraries it stands in for do the same): use
track() to count failures and tasks in flight."""
from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any, Callable, Optional

from .call_args import describe, safe_repr
from .spec import KIND_TIMING

if TYPE_CHECKING:
    from .record import Recorder


class StatsdTimer:
    __slots__ = ("_scope", "_name", "_third", "_fourth", "_rate", "_use_ms", "_start_ms", "_sent", "ms")

    def __init__(self, scope: Recorder, name: Optional[str], third: object, fourth: object, rate: object, use_ms: bool) -> None:
        self._scope = scope
        self._name = name
        self._third = third
        self._fourth = fourth
        self._rate = rate
        self._use_ms = use_ms
        self._start_ms: Optional[float] = None
        self._sent = False
        # The last duration, in ms (pystatsd's Timer.ms); None before stop().
        self.ms: Optional[float] = None

    @property
    def elapsed(self) -> Optional[float]:
        """datadog's: the last duration in seconds, or in ms with use_ms=True."""
        if self.ms is None:
            return None
        return self.ms if self._use_ms else self.ms / 1000.0

    def _now(self) -> float:
        try:
            return self._scope._core.options.clock_ms()
        except Exception as error:  # noqa: BLE001 - an injected clock that fails
            self._scope._drop("bad_argument", "clock_ms() failed: %r" % (error,))
            return 0.0

    def _send_ms(self, name: object, duration_ms: float) -> None:
        self._scope._sampled(KIND_TIMING, name, max(0.0, duration_ms), self._third, self._fourth, self._rate, 1)

    def start(self) -> StatsdTimer:
        self._start_ms = self._now()
        self._sent = False
        self.ms = None
        return self

    def stop(self, send: bool = True) -> StatsdTimer:
        if self._start_ms is None:
            self._scope._drop("bad_argument", "timer %s stopped before start()" % (describe(self._name),))
            return self
        self.ms = max(0.0, self._now() - self._start_ms)
        if send:
            self.send()
        return self

    def send(self) -> None:
        """Sends the stopped duration; a second send() of one measurement is dropped."""
        if self.ms is None or self._sent:
            self._scope._drop("bad_argument", "timer %s sent %s" % (describe(self._name), "twice" if self._sent else "before stop()"))
            return
        self._sent = True
        self._send_ms(self._name, self.ms)

    def __enter__(self) -> StatsdTimer:
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        self.stop()
        return False

    async def __aenter__(self) -> StatsdTimer:
        return self.start()

    async def __aexit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        self.stop()
        return False

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """The decorator: each call is timed on its own (thread- and task-safe)."""
        try:
            return self._decorate(fn)
        except Exception as error:  # noqa: BLE001 - a hostile function object; never raises into the app
            self._scope._drop("bad_argument", "timer %s cannot decorate %s: %s" % (describe(self._name), safe_repr(fn), safe_repr(error)))
            return fn

    def _decorate(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn) or inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            # Calling a generator function only creates the generator: there is nothing to time.
            self._scope._drop("bad_argument", "timer %s cannot time %s; left as is" % (describe(self._name), safe_repr(fn)))
            return fn
        name = self._name
        if name is None:  # datadog's default metric name
            name = "%s.%s" % (getattr(fn, "__module__", None) or "unknown", getattr(fn, "__name__", None) or "function")
        now = self._now
        send_ms = self._send_ms

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def timed_coroutine(*args: Any, **kwargs: Any) -> Any:
                start_ms = now()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    send_ms(name, now() - start_ms)

            return timed_coroutine

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start_ms = now()
            try:
                return fn(*args, **kwargs)
            finally:
                send_ms(name, now() - start_ms)

        return timed
