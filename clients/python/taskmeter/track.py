"""client.track(name): one object that is a decorator (plain and `async def` functions) and a
context manager (`with` and `async with`). Each call or block is one request of task `name`: in
flight while it runs, then ended as success, or as error when it raises (asyncio cancellation
included). The app's exception propagates untouched; the client's own failures never do."""
from __future__ import annotations

import contextvars
import functools
import inspect
from typing import TYPE_CHECKING, Any, Callable, Tuple

from .call_args import describe, safe_repr

if TYPE_CHECKING:
    from .record import Recorder
    from .task_timer import TaskTimer

# Timers of the `with` blocks open in this thread / asyncio task, innermost last, as (track,
# timer) pairs. A context variable, not an attribute, so that one Track object can be entered
# by many threads and tasks at once (e.g. a module-level `tracked = client.track("db")`).
# Module-level because a ContextVar is never freed (Python docs: create them at module level).
_OPEN_BLOCKS: contextvars.ContextVar[Tuple[Tuple[Track, TaskTimer], ...]] = contextvars.ContextVar("taskmeter_open_blocks", default=())


class Track:
    __slots__ = ("_scope", "_name", "_tags")

    def __init__(self, scope: Recorder, name: object, tags: object) -> None:
        self._scope = scope
        self._name = name
        self._tags = tags

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._decorate(fn)
        except Exception as error:  # noqa: BLE001 - a hostile function object; never raises into the app
            self._scope._drop("bad_argument", "track(%s) cannot decorate a %s: %s" % (describe(self._name), type(fn).__name__, safe_repr(error)))
            return fn

    def _decorate(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        scope = self._scope
        name = self._name
        tags = self._tags
        if not callable(fn):
            scope._drop("bad_argument", "track(%s) decorated a %s, not a function; left as is" % (describe(name), type(fn).__name__))
            return fn
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            # Calling one only creates the generator: a wrapper would time nothing and call it done.
            scope._drop("bad_argument", "track(%s) cannot time generator function %s; left as is" % (describe(name), fn.__qualname__))
            return fn
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def tracked_coroutine(*args: Any, **kwargs: Any) -> Any:
                timer = scope._begin_task(name, tags)
                try:
                    result = await fn(*args, **kwargs)
                except BaseException:
                    timer.end("error")
                    raise
                timer.end("success")
                return result

            return tracked_coroutine

        @functools.wraps(fn)
        def tracked(*args: Any, **kwargs: Any) -> Any:
            timer = scope._begin_task(name, tags)
            try:
                result = fn(*args, **kwargs)
            except BaseException:
                timer.end("error")
                raise
            timer.end("success")
            return result

        return tracked

    def __enter__(self) -> TaskTimer:
        timer = self._scope._begin_task(self._name, self._tags)
        _OPEN_BLOCKS.set(_OPEN_BLOCKS.get() + ((self, timer),))
        return timer

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        try:
            blocks = _OPEN_BLOCKS.get()
            for i in range(len(blocks) - 1, -1, -1):
                if blocks[i][0] is self:
                    _OPEN_BLOCKS.set(blocks[:i] + blocks[i + 1 :])
                    blocks[i][1].end("success" if exc_type is None else "error")
                    return False
            self._scope._drop("bad_argument", "track(%s) exited a block it did not enter in this context" % (describe(self._name),))
        except Exception as error:  # noqa: BLE001 - never raises into the app (nor hides its exception)
            self._scope._drop("bad_argument", "track(%s) exit failed: %s" % (describe(self._name), safe_repr(error)))
        return False

    async def __aenter__(self) -> TaskTimer:
        return self.__enter__()

    async def __aexit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        return self.__exit__(exc_type, exc, traceback)
