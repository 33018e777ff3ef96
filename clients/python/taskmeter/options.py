"""Client() options: hot-shots names where they overlap (host, port, prefix, tags / global_tags,
max_buffer_size, buffer_flush_interval, sample_rate, error_handler), snake_case. Validated once
here, with the TASKMETER_HOST / TASKMETER_PORT / TASKMETER_UNIX_SOCKET / TASKMETER_CLIENT_ID
environment fallbacks, into
a ResolvedOptions; nothing else in the client reads os.environ. A bad option raises TaskmeterError
at startup."""
from __future__ import annotations

import os
import random as _random
import re
import secrets
import socket
import time
from collections.abc import Mapping
from typing import Any, Callable, Dict, Optional

from .errors import TaskmeterError
from .msgpack_write import utf8
from .spec import (
    DEFAULT_MAX_DATAGRAM_BYTES,
    LOOPBACK_MAX_DATAGRAM_BYTES,
    MAX_CLIENT_ID_BYTES,
    MAX_DATAGRAM_BYTES,
    MAX_FLUSH_INTERVAL_MS,
    MAX_NAME_BYTES,
    MIN_DATAGRAM_BYTES,
    MIN_FLUSH_INTERVAL_MS,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8125
DEFAULT_FLUSH_INTERVAL_MS = 100
# report() asks the agent's HTTP server, by default on the UDP host at this port.
DEFAULT_REPORT_PORT = 3000
DEFAULT_REPORT_TIMEOUT_MS = 2000

# sockaddr_un's sun_path is 108 bytes on Linux, one of them the terminating NUL.
MAX_UNIX_SOCKET_PATH_BYTES = 107

_LOOPBACK_V4 = re.compile(r"^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$")


def monotonic_ms() -> float:
    return time.perf_counter() * 1000.0


def is_loopback_host(host: str) -> bool:
    return host in ("localhost", "::1") or _LOOPBACK_V4.match(host) is not None


def _invalid(option: str, allowed: str, got: object) -> TaskmeterError:
    return TaskmeterError("TM_ERR_INVALID_OPTION", "taskmeter client: %s must be %s (got %r)" % (option, allowed, got))


def _integer_in(option: str, value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _invalid(option, "an integer %d..%d" % (low, high), value)
    return value


class ResolvedOptions:
    host: str
    port: int
    prefix: str
    tags: Any
    max_datagram_bytes: int
    flush_interval_ms: int
    sample_rate: float
    error_handler: Optional[Callable[[TaskmeterError], Any]]
    clock_ms: Callable[[], float]
    random: Callable[[], float]
    mock: bool
    report_url: str
    report_timeout_ms: int
    unix_socket: Optional[str]
    client_id: Optional[str]
    sequence: bool
    exemplars: bool
    __slots__ = (
        "host",
        "port",
        "prefix",
        "tags",
        "max_datagram_bytes",
        "flush_interval_ms",
        "sample_rate",
        "error_handler",
        "clock_ms",
        "random",
        "mock",
        "report_url",
        "report_timeout_ms",
        "unix_socket",
        "client_id",
        "sequence",
        "exemplars",
    )


def _host_from(host: object, env: Mapping[str, str]) -> str:
    if host is not None:
        if type(host) is not str or not host:
            raise _invalid("host", "a non-empty str", host)
        return host
    return env.get("TASKMETER_HOST") or DEFAULT_HOST


def _port_from(port: object, env: Mapping[str, str]) -> int:
    if port is not None:
        return _integer_in("port", port, 1, 65535)
    text = env.get("TASKMETER_PORT") or ""
    if not text:
        return DEFAULT_PORT
    if not re.match(r"^[0-9]{1,5}$", text):
        raise _invalid("TASKMETER_PORT", "an integer 1..65535", text)
    return _integer_in("TASKMETER_PORT", int(text), 1, 65535)


def _unix_socket_from(unix_socket: object, host: object, port: object, env: Mapping[str, str]) -> Optional[str]:
    """The code's choice of destination beats the environment's: unix_socket=, else host= or port=
    (UDP), else TASKMETER_UNIX_SOCKET, else TASKMETER_HOST / TASKMETER_PORT."""
    option = "unix_socket"
    if unix_socket is None:
        if host is not None or port is not None:
            return None
        unix_socket = env.get("TASKMETER_UNIX_SOCKET") or None
        if unix_socket is None:
            return None
        option = "TASKMETER_UNIX_SOCKET"
    if type(unix_socket) is not str or not unix_socket:
        raise _invalid(option, "a non-empty str (the agent's socket file)", unix_socket)
    # A path sendto() cannot take would fail every send: a config mistake, so said at startup.
    if len(os.fsencode(unix_socket)) > MAX_UNIX_SOCKET_PATH_BYTES:
        raise _invalid(option, "a path of at most %d bytes" % MAX_UNIX_SOCKET_PATH_BYTES, unix_socket)
    if not hasattr(socket, "AF_UNIX"):
        raise _invalid(option, "unset on a platform without AF_UNIX sockets", unix_socket)
    return unix_socket


def default_client_id() -> str:
    """<hostname>:<pid>:<4 random hex>, the hostname cut so that the id fits its 64 bytes."""
    tail = ":%d:%s" % (os.getpid(), secrets.token_hex(2))
    host = socket.gethostname() or "host"
    while host and len(utf8(host)) + len(tail) > MAX_CLIENT_ID_BYTES:
        host = host[:-1]
    return host + tail


def _client_id_from(client_id: object, env: Mapping[str, str]) -> Optional[str]:
    """The header's client id (SPEC.md §3.3), or None for the default, chosen per instance."""
    option = "client_id"
    if client_id is None:
        client_id = env.get("TASKMETER_CLIENT_ID") or None
        if client_id is None:
            return None
        option = "TASKMETER_CLIENT_ID"
    if type(client_id) is not str or not 1 <= len(utf8(client_id)) <= MAX_CLIENT_ID_BYTES:
        raise _invalid(option, "a str of 1..%d bytes" % MAX_CLIENT_ID_BYTES, client_id)
    return client_id


def _callable_or(option: str, value: Any, fallback: Any) -> Any:
    if value is None:
        return fallback
    if not callable(value):
        raise _invalid(option, "callable", value)
    return value


def _report_url_from(report_url: object, host: str) -> str:
    if report_url is None:
        return "http://%s:%d" % ("[%s]" % host if ":" in host else host, DEFAULT_REPORT_PORT)
    if type(report_url) is not str or not re.match(r"^https?://[^/\s]+", report_url):
        raise _invalid("report_url", "an http(s) URL", report_url)
    return report_url.rstrip("/")


def _exemplars_from(exemplars: object, env: Mapping[str, str]) -> bool:
    """exemplars=, else TASKMETER_EXEMPLARS (0 / 1), else True."""
    if exemplars is not None:
        if type(exemplars) is not bool:
            raise _invalid("exemplars", "a bool", exemplars)
        return exemplars
    text = env.get("TASKMETER_EXEMPLARS") or None
    if text is None:
        return True
    if text not in ("0", "1"):
        raise _invalid("TASKMETER_EXEMPLARS", "0 or 1", text)
    return text == "1"


def resolve_options(
    host: Any,
    port: Any,
    prefix: Any,
    tags: Any,
    global_tags: Any,
    max_buffer_size: Any,
    buffer_flush_interval: Any,
    sample_rate: Any,
    error_handler: Any,
    clock_ms: Any,
    random: Any,
    env: Optional[Mapping[str, str]],
    extra: Optional[Dict[str, Any]] = None,
) -> ResolvedOptions:
    """extra: the options added since the hot-shots set, as a dict (mock, report_url,
    report_timeout_ms, unix_socket, client_id, sequence, exemplars)."""
    extra = extra or {}
    env = os.environ if env is None else env
    options = ResolvedOptions()
    options.unix_socket = _unix_socket_from(extra.get("unix_socket"), host, port, env)
    options.host = _host_from(host, env)
    options.port = _port_from(port, env)
    # A prefix must leave room for at least one byte of name (SPEC.md §7: names are 1..200 bytes).
    if type(prefix) is not str or len(utf8(prefix)) >= MAX_NAME_BYTES:
        raise _invalid("prefix", "a str under %d bytes" % MAX_NAME_BYTES, prefix)
    options.prefix = prefix
    if tags is not None and global_tags is not None:
        raise TaskmeterError("TM_ERR_INVALID_OPTION", "taskmeter client: give tags or global_tags (its hot-shots name), not both")
    tags = global_tags if tags is None else tags
    if tags is not None and not isinstance(tags, (Mapping, list, tuple)):
        raise _invalid("tags", 'a mapping of str to str or a list of "key:value" str', tags)
    options.tags = tags
    if max_buffer_size is None:
        # A unix socket is on this machine: it takes a loopback-sized datagram as well.
        local = options.unix_socket is not None or is_loopback_host(options.host)
        max_buffer_size = LOOPBACK_MAX_DATAGRAM_BYTES if local else DEFAULT_MAX_DATAGRAM_BYTES
    options.max_datagram_bytes = _integer_in("max_buffer_size", max_buffer_size, MIN_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES)
    options.flush_interval_ms = _integer_in("buffer_flush_interval", buffer_flush_interval, MIN_FLUSH_INTERVAL_MS, MAX_FLUSH_INTERVAL_MS)
    if type(sample_rate) not in (int, float) or not 0 < sample_rate <= 1:
        raise _invalid("sample_rate", "a number in (0, 1]", sample_rate)
    options.sample_rate = sample_rate
    options.error_handler = _callable_or("error_handler", error_handler, None)
    options.clock_ms = _callable_or("clock_ms", clock_ms, monotonic_ms)
    options.random = _callable_or("random", random, _random.random)
    mock = extra.get("mock", False)
    if type(mock) is not bool:
        raise _invalid("mock", "a bool", mock)
    options.mock = mock
    options.report_url = _report_url_from(extra.get("report_url"), options.host)
    report_timeout_ms = extra.get("report_timeout_ms")
    options.report_timeout_ms = _integer_in("report_timeout_ms", DEFAULT_REPORT_TIMEOUT_MS if report_timeout_ms is None else report_timeout_ms, 1, 600000)
    options.client_id = _client_id_from(extra.get("client_id"), env)
    sequence = extra.get("sequence", True)
    if type(sequence) is not bool:
        raise _invalid("sequence", "a bool", sequence)
    # An event that does not fit beside the header goes alone in a bigger datagram (batch_buffer.py).
    options.sequence = sequence
    options.exemplars = _exemplars_from(extra.get("exemplars"), env)
    return options
