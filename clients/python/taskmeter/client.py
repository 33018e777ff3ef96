"""The public API. A Client is a scope (prefix + tags) over a ClientCore shared with its children.
Every method validates its arguments, drops and counts what is bad (stats()["dropped"]), and never
raises into the app, as the TS client never throws into it; the hot path (a cached name, no
per-call tags) is a dict lookup, a few type checks, one concatenation and a locked append."""
import numbers
from collections.abc import Mapping

from .client_core import ClientCore
from .encode import encode_event
from .errors import TaskmeterError
from .msgpack_write import encode_number, pack_float64, utf8
from .name_cache import NameCache
from .options import DEFAULT_FLUSH_INTERVAL_MS, resolve_options
from .spec import KIND_COUNT, KIND_GAUGE, KIND_GAUGE_DELTA, KIND_HISTOGRAM, KIND_NAMES, KIND_TASK_END_SUCCESS, KIND_TIMING, MAX_NAME_BYTES
from .tag_cache import ScopeTags
from .task_timer import TaskTimer
from .track import Track

_INT_MIN = -2147483648
_INT_END = 4294967296
_INFINITY = float("inf")


def _describe(name):
    if type(name) is str:
        return repr(name if len(name) <= 80 else name[:80] + "…")
    return "a " + type(name).__name__


def _as_number(value):
    """A value that is not a plain int or float: numpy scalars, Fraction… as int or float; bool,
    None, str… as the reason 'bad_value'."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "bad_value"
    return int(value) if isinstance(value, numbers.Integral) else float(value)


class Client:
    """Client(host, port, prefix, tags): see clients/python/README.md. A bad option raises
    TaskmeterError (code TM_ERR_INVALID_OPTION) here, at startup; nothing raises after that."""

    def __init__(
        self,
        host=None,
        port=None,
        prefix="",
        tags=None,
        *,
        global_tags=None,
        max_buffer_size=None,
        buffer_flush_interval=DEFAULT_FLUSH_INTERVAL_MS,
        sample_rate=1.0,
        error_handler=None,
        clock_ms=None,
        random=None,
        env=None,
    ):
        options = resolve_options(
            host, port, prefix, tags, global_tags, max_buffer_size, buffer_flush_interval, sample_rate, error_handler, clock_ms, random, env
        )
        scope_tags = ScopeTags.create(options.tags, None)
        if type(scope_tags) is str:
            raise TaskmeterError(
                "TM_ERR_INVALID_OPTION",
                "taskmeter client: tags must be at most 16 str pairs, keys 1..64 and values 0..200 bytes (%s)" % scope_tags,
            )
        self._init_scope(ClientCore(options), options.prefix, scope_tags, None)

    def _init_scope(self, core, prefix, scope_tags, scope_reason):
        self._core = core
        self._names = NameCache(prefix, scope_tags.tag_bytes)
        self._names_get = self._names.get
        self._scope_tags = scope_tags
        # A child made from bad options drops every event for this reason: child() never raises.
        self._scope_reason = scope_reason

    @property
    def client_id(self):
        """This client's instance id in its in-flight reports (random, 16 hex chars)."""
        return self._core.client_id

    def timing(self, name, duration_ms, tags=None):
        """One completed, successful request of task `name` that took duration_ms ms."""
        # The common call (a seen name, a positive non-integral float, no call tags) skips
        # _record's general checks: same bytes (tests/test_hot_path.py), about half the time.
        if tags is None and type(name) is str and type(duration_ms) is float and self._scope_reason is None:
            cached = self._names_get(name)
            if cached is not None and 0.0 < duration_ms < _INFINITY and not duration_ms.is_integer():
                if self._core.emit(cached.heads[KIND_TIMING] + pack_float64(0xCB, duration_ms) + self._scope_tags.plain_tail):
                    return
        self._record(KIND_TIMING, name, duration_ms, 1, tags)

    def increment(self, name, value=1, sample_rate=None, tags=None):
        """Counter += value. A mapping in the third place is the tags (hot-shots order)."""
        self._count(name, value, sample_rate, tags)

    def decrement(self, name, value=1, sample_rate=None, tags=None):
        self._count(name, -value if type(value) in (int, float) else value, sample_rate, tags)

    def gauge(self, name, value, tags=None):
        """Gauge = value."""
        self._record(KIND_GAUGE, name, value, 1, tags)

    def gauge_delta(self, name, delta, tags=None):
        """Gauge += delta."""
        self._record(KIND_GAUGE_DELTA, name, delta, 1, tags)

    def histogram(self, name, value, tags=None):
        """One observation of histogram `name`."""
        self._record(KIND_HISTOGRAM, name, value, 1, tags)

    def track(self, name, tags=None):
        """A decorator (def and async def) and a context manager (with, async with): each call or
        block is one request of task `name`, in flight while it runs, error when it raises."""
        return Track(self, name, tags)

    def start_timer(self, name, tags=None):
        """Starts task `name`; call .end(status="success"|"error", tags=None) once on the result.
        end() returns the duration in ms."""
        return self._begin_task(name, tags)

    def child(self, prefix="", tags=None):
        """A client with more prefix ('myapp.' then 'db.' gives 'myapp.db.') and tags merged over
        this one's, sharing its socket, batch, flush thread and stats."""
        reason = self._scope_reason
        full_prefix = self._names.prefix
        scope_tags = self._scope_tags
        try:
            if type(prefix) is not str:
                reason = reason or "bad_name"
            else:
                full_prefix += prefix
            if len(utf8(full_prefix)) >= MAX_NAME_BYTES:
                reason = reason or "name_too_long"
            created = ScopeTags.create(tags, self._scope_tags)
            if type(created) is str:
                reason = reason or created
            else:
                scope_tags = created
        except Exception:  # noqa: BLE001 - child() never raises; its events are dropped instead
            reason = reason or "bad_tags"
        child = Client.__new__(Client)
        child._init_scope(self._core, full_prefix, scope_tags, reason)
        return child

    def flush(self):
        """Sends what is buffered, with an in-flight report when one is due. Non-blocking."""
        try:
            self._core.flush()
        except Exception as error:  # noqa: BLE001
            self._drop("send_failed", "flush failed: %r" % (error,))

    def close(self):
        """Flushes, tells the agent nothing is in flight any more, and closes the socket. Also done
        at interpreter exit. Calls after close() are dropped and counted as 'closed'."""
        try:
            self._core.close()
        except Exception as error:  # noqa: BLE001
            self._drop("send_failed", "close failed: %r" % (error,))

    def stats(self):
        """The client's own telemetry: sent, datagrams, reports, pending, sampled_out,
        socket_errors, and dropped: {reason: events} for the reasons that happened."""
        return self._core.stats()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.close()
        return False

    def _count(self, name, value, sample_rate, tags):
        if isinstance(sample_rate, Mapping) and tags is None:
            tags = sample_rate
            sample_rate = None
        if sample_rate is None:
            sample_rate = self._core.options.sample_rate
        if type(sample_rate) not in (int, float) or not 0 < sample_rate <= 1:
            self._drop("bad_sample_rate", "count %s dropped: sample rate %r is not in (0, 1]" % (_describe(name), sample_rate))
            return
        self._record(KIND_COUNT, name, value, sample_rate, tags)

    def _record(self, kind, name, value, sample_rate, tags):
        # One try guards everything the app passed (hash of a name, a mapping's items()), so that
        # nothing escapes. Branches in order of the SPEC §5 reasons: name, value, rate, tags.
        core = self._core
        try:
            if core.closed or self._scope_reason is not None:
                self._drop_for_scope(kind, name)
                return
            cached = self._names_get(name)
            if cached is None:
                cached = self._names.resolve(name)
                if type(cached) is str:
                    self._drop_event(cached, kind, name)
                    return
            value_type = type(value)
            if value_type is not float and value_type is not int:
                value = _as_number(value)
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
            scope_tags = self._scope_tags
            if tags is None:
                tag_bytes = scope_tags.tag_bytes
            else:
                tag_bytes = scope_tags.for_call(tags)
                if type(tag_bytes) is str:
                    self._drop_event(tag_bytes, kind, name)
                    return
            if sample_rate != 1 and core.options.random() >= sample_rate:
                core.telemetry.count_sampled_out()
                return
            if sample_rate == 1 and tag_bytes is scope_tags.tag_bytes:
                event = cached.heads[kind] + encode_number(value) + scope_tags.plain_tail
            else:
                event = encode_event(kind, cached.str_bytes, value, sample_rate, tag_bytes)
            if not core.emit(event):
                self._drop_event("closed", kind, name)
        except OverflowError:
            self._drop_event("non_finite_value", kind, name)
        except Exception as error:  # noqa: BLE001 - never raises into the app
            self._drop_event("bad_name" if type(name) is not str else "bad_argument", kind, name, repr(error))

    def _begin_task(self, name, tags):
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
            cached = self._names_get(name) if type(name) is str else None
            if cached is None:
                cached = self._names.resolve(name)
                if type(cached) is str:
                    self._drop_event(cached, KIND_TASK_END_SUCCESS, name)
                    return timer
            if tags is None:
                timer.tag_bytes = self._scope_tags.tag_bytes
            else:
                tag_bytes = self._scope_tags.for_call(tags)
                if type(tag_bytes) is str:
                    self._drop_event(tag_bytes, KIND_TASK_END_SUCCESS, name)
                    return timer
                timer.tag_bytes = tag_bytes
                timer.start_tags = tags
            timer.name = cached
            timer.task = core.start_task(cached.full_name, cached.str_bytes)
        except Exception as error:  # noqa: BLE001 - never raises into the app
            self._drop_event("bad_argument", KIND_TASK_END_SUCCESS, name, repr(error))
        return timer

    def _drop_for_scope(self, kind, name):
        if self._core.closed:
            self._drop_event("closed", kind, name)
        else:
            self._drop_event(self._scope_reason or "bad_argument", kind, name, "a child() made with bad options")

    def _drop_event(self, reason, kind, name, why=None):
        message = "%s %s dropped: %s" % (KIND_NAMES[kind], _describe(name), reason)
        self._drop(reason, message if why is None else "%s (%s)" % (message, why))

    def _drop(self, reason, message):
        try:
            self._core.telemetry.drop(reason, 1, message)
        except Exception:  # noqa: BLE001 - counting must not raise either
            pass
