"""The public API. A Client is a scope (prefix + tags) over a ClientCore shared with its children.
Every method validates its arguments, drops and counts what is bad (stats()["dropped"]), and never
raises into the app, as the TS client never throws into it; the hot path (a cached name, no
per-call tags or rate) is a dict lookup, a few type checks, one concatenation and a locked append.

The pystatsd and datadogpy spellings (incr, decr, timer, timed, distribution, and their argument
orders) are in compat.py; set() here is spelled as in both. The rate and tags are told apart by
type (call_args.py)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from .agent_report import fetch_report, one_line, report_url_for
from .call_args import safe_repr
from .client_core import ClientCore
from .compat import CompatMethods, Number, RateOrTags
from .encode import encode_exemplar
from .errors import TaskmeterError
from .msgpack_write import pack_float64, utf8
from .name_cache import NameCache
from .options import DEFAULT_FLUSH_INTERVAL_MS, resolve_options
from .spec import KIND_COUNT, KIND_GAUGE, KIND_GAUGE_DELTA, KIND_HISTOGRAM, KIND_SET, KIND_TIMING, MAX_NAME_BYTES
from .tag_cache import ScopeTags, TagInput
from .task_timer import TaskTimer
from .track import Track

_INFINITY = float("inf")
_MOCK_REPORT = "taskmeter report unavailable: mock client, there is no agent"


class Client(CompatMethods):
    """Client(host, port, prefix, tags): see clients/python/README.md. A bad option raises
    TaskmeterError (code TM_ERR_INVALID_OPTION) here, at startup; nothing raises after that."""

    def __init__(
        self,
        host: Optional[str] = None,
        port: Optional[int] = None,
        prefix: str = "",
        tags: Optional[TagInput] = None,
        *,
        global_tags: Optional[TagInput] = None,
        max_buffer_size: Optional[int] = None,
        buffer_flush_interval: int = DEFAULT_FLUSH_INTERVAL_MS,
        sample_rate: Number = 1.0,
        error_handler: Optional[Callable[[TaskmeterError], Any]] = None,
        clock_ms: Optional[Callable[[], float]] = None,
        random: Optional[Callable[[], float]] = None,
        env: Optional[Mapping[str, str]] = None,
        mock: bool = False,
        report_url: Optional[str] = None,
        report_timeout_ms: Optional[int] = None,
        unix_socket: Optional[str] = None,
        client_id: Optional[str] = None,
        sequence: bool = True,
        exemplars: Optional[bool] = None,
    ) -> None:
        extra = {
            "mock": mock,
            "report_url": report_url,
            "report_timeout_ms": report_timeout_ms,
            "unix_socket": unix_socket,
            "client_id": client_id,
            "sequence": sequence,
            "exemplars": exemplars,
        }
        options = resolve_options(
            host, port, prefix, tags, global_tags, max_buffer_size, buffer_flush_interval, sample_rate, error_handler, clock_ms, random, env, extra
        )
        scope_tags = ScopeTags.create(options.tags, None)
        if type(scope_tags) is str:
            raise TaskmeterError(
                "TM_ERR_INVALID_OPTION",
                "taskmeter client: tags must be at most 16 str pairs, keys 1..64 and values 0..200 bytes (%s)" % scope_tags,
            )
        self._init_scope(ClientCore(options), options.prefix, scope_tags, None)  # type: ignore[arg-type]

    @property
    def client_id(self) -> str:
        """The id in this client's datagram headers (SPEC.md §3.3): client_id, or <hostname>:<pid>:<4 hex>."""
        return self._core.client_id

    @property
    def mock_events(self) -> List[Dict[str, Any]]:
        """With mock=True, every event recorded so far as {"kind", "name", "value", "sampleRate",
        "tags"} (the TS client's mockEvents); clear() it between tests. Empty otherwise."""
        try:
            return self._core.mock_events()
        except Exception:  # noqa: BLE001 - never raises into the app
            return []

    def timing(self, name: str, duration_ms: Any, tags: RateOrTags = None, sample_rate: RateOrTags = None, rate: Optional[Number] = None) -> None:
        """One completed, successful request of task `name` that took duration_ms ms (a number or
        a datetime.timedelta). A number third is the rate (pystatsd), tags third (datadog) too.
        `rate` is pystatsd's keyword; it is not keyword-only because a keyword-only default
        costs every call a dict lookup, and this is the hot path."""
        # The common call (a seen task name, a positive non-integral float, no call tags or rate)
        # skips _record's general checks: same bytes (tests/test_hot_path.py), about half the time.
        if tags is None and sample_rate is None and rate is None and type(name) is str and type(duration_ms) is float:
            cached = self._timing_get(name)
            if cached is not None and 0.0 < duration_ms < _INFINITY and not duration_ms.is_integer():
                if self._emit(cached.timing_head + pack_float64(0xCB, duration_ms) + self._plain_tail):
                    return
        self._sampled(KIND_TIMING, name, duration_ms, tags, sample_rate, rate, 1)

    def increment(
        self, name: str, value: Number = 1, sample_rate: RateOrTags = None, tags: RateOrTags = None, *, rate: Optional[Number] = None
    ) -> None:
        """Counter += value. A number third is the rate (hot-shots), tags third the tags (datadog)."""
        self._sampled(KIND_COUNT, name, value, sample_rate, tags, rate, self._core.options.sample_rate)

    def decrement(
        self, name: str, value: Number = 1, sample_rate: RateOrTags = None, tags: RateOrTags = None, *, rate: Optional[Number] = None
    ) -> None:
        """Counter -= value, in the same shapes as increment()."""
        negated = -value if type(value) in (int, float) else value
        self._sampled(KIND_COUNT, name, negated, sample_rate, tags, rate, self._core.options.sample_rate)

    def gauge(
        self,
        name: str,
        value: Number,
        tags: RateOrTags = None,
        sample_rate: Union[RateOrTags, bool] = None,
        *,
        rate: Optional[Number] = None,
        delta: bool = False,
    ) -> None:
        """Gauge = value, or += value with delta=True (pystatsd: gauge(stat, value, rate, delta))."""
        if type(sample_rate) is bool:  # pystatsd's fourth place
            delta = delta or sample_rate  # type: ignore[assignment]
            sample_rate = None
        if type(delta) is not bool:
            self._drop("bad_argument", "gauge delta must be True or False (got %s)" % (safe_repr(delta),))
            return
        self._sampled(KIND_GAUGE_DELTA if delta else KIND_GAUGE, name, value, tags, sample_rate, rate, 1)

    def gauge_delta(self, name: str, delta: Number, tags: RateOrTags = None, sample_rate: RateOrTags = None) -> None:
        """Gauge += delta."""
        self._sampled(KIND_GAUGE_DELTA, name, delta, tags, sample_rate, None, 1)

    def histogram(
        self, name: str, value: Number, tags: RateOrTags = None, sample_rate: RateOrTags = None, *, rate: Optional[Number] = None
    ) -> None:
        """One observation of histogram `name`."""
        self._sampled(KIND_HISTOGRAM, name, value, tags, sample_rate, rate, 1)

    def set(self, name: str, member: Union[str, Number], tags: RateOrTags = None, sample_rate: RateOrTags = None, *, rate: Optional[Number] = None) -> None:
        """`member` joins set `name`; the agent shows the number of unique members over its window
        as a gauge. A str of 1..200 UTF-8 bytes, or an int or float sent as its text (42 is "42",
        the member StatsD `users:42|s` adds). Rate and tags in either place (pystatsd, datadog)."""
        self._sampled(KIND_SET, name, member, tags, sample_rate, rate, 1)

    def track(self, name: str, tags: Optional[TagInput] = None) -> Track:
        """A decorator (def and async def) and a context manager (with, async with): each call or
        block is one request of task `name`, in flight while it runs, error when it raises."""
        return Track(self, name, tags)

    def start_timer(self, name: str, tags: Optional[TagInput] = None) -> TaskTimer:
        """Starts task `name`; call .end(status="success"|"error", tags=None) once on the result.
        end() returns the duration in ms."""
        return self._begin_task(name, tags)

    def child(self, prefix: str = "", tags: Optional[TagInput] = None) -> Client:
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
            created: Any = ScopeTags.create(tags, self._scope_tags)
            if type(created) is str:
                reason = reason or created
            else:
                scope_tags = created
        except Exception:  # noqa: BLE001 - child() never raises; its events are dropped instead
            reason = reason or "bad_tags"
        child = Client.__new__(Client)
        child._init_scope(self._core, full_prefix, scope_tags, reason, self._exemplar)
        return child

    def with_trace(self, trace_id: str, span_id: str) -> Client:
        """This client bound to a trace: every timing, task end (track, start_timer) and histogram
        sent through the view carries trace_id and span_id as an exemplar (SPEC.md §3.4), in place
        of the active OpenTelemetry span's. The ids as OpenTelemetry's W3C propagator writes them:
        32 and 16 lowercase hex digits, not all zero (format(ctx.trace_id, "032x")). Others are
        counted as bad_exemplar and the view sends as this client does."""
        exemplar: Any = encode_exemplar(trace_id, span_id)
        if type(exemplar) is str:
            self._drop("bad_exemplar", "with_trace() takes trace_id of 32 and span_id of 16 lowercase hex digits, not all zero; sending without the exemplar")
            exemplar = None
        if not self._core.options.exemplars:
            exemplar = None
        view = Client.__new__(Client)
        view._init_scope(self._core, self._names.prefix, self._scope_tags, self._scope_reason, exemplar, self._names)
        return view

    def flush(self) -> None:
        """Sends what is buffered, with an in-flight report when one is due. Non-blocking."""
        try:
            self._core.flush()
        except Exception as error:  # noqa: BLE001
            self._drop("send_failed", "flush failed: %r" % (error,))

    def close(self) -> None:
        """Flushes, tells the agent nothing is in flight any more, and closes the socket. Also done
        at interpreter exit. Calls after close() are dropped and counted as 'closed'."""
        try:
            self._core.close()
        except Exception as error:  # noqa: BLE001
            self._drop("send_failed", "close failed: %r" % (error,))

    def stats(self) -> Dict[str, Any]:
        """The client's own telemetry: sent, datagrams, reports, pending, sampled_out,
        socket_errors, and dropped: {reason: events} for the reasons that happened."""
        return self._core.stats()

    def report(self, tasks: Optional[Sequence[str]] = None) -> str:
        """The agent's text report (GET <report_url>/report) for `tasks` (under this client's
        prefix) or for every task this client timed or tracked. Flushes first. Blocks up to
        report_timeout_ms; on any failure returns one line that starts 'taskmeter report
        unavailable:' and says why. Never raises."""
        core = self._core
        if core.mock is not None:
            return _MOCK_REPORT
        try:
            self.flush()
            if type(tasks) is list or type(tasks) is tuple:
                names = [self._names.prefix + str(task) for task in tasks]  # type: ignore[union-attr]
            else:
                names = list(core.task_names)
            return fetch_report(report_url_for(core.options.report_url, names), core.options.report_timeout_ms)
        except Exception as error:  # noqa: BLE001 - never raises into the app
            return one_line("taskmeter report unavailable: %s" % (error,))

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        self.close()
        return False
