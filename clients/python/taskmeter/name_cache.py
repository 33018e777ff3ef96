"""Encoded names per client scope, so the hot path is one dict lookup and no encoding. Each name
keeps, per event kind, the bytes before the value of its plain event (sample rate 1, the scope's
tags): timing() appends head + number + the scope's tail. Names are app input (a name built from a
user id would grow a cache forever), so past MAX_CACHED_NAMES a new name is encoded per call."""
from __future__ import annotations

from typing import Any, Dict, Tuple, Union

from .encode import encode_name, event_head
from .spec import KIND_SET, KIND_TIMING

MAX_CACHED_NAMES = 10000
_KINDS = range(KIND_SET + 1)


class CachedName:
    __slots__ = ("full_name", "str_bytes", "heads", "timing_head", "is_task")

    def __init__(self, full_name: str, str_bytes: bytes, scope_tag_bytes: Union[bytes, None]) -> None:
        self.full_name = full_name  # prefix + name, as the agent will see it
        self.str_bytes = str_bytes
        self.heads: Tuple[bytes, ...] = tuple(event_head(kind, str_bytes, 1, scope_tag_bytes) for kind in _KINDS)
        # timing()'s fast path reads its head without indexing.
        self.timing_head = self.heads[KIND_TIMING]
        # Used as a task (timing, track, start_timer): one of report()'s default tasks.
        self.is_task = False


class NameCache:
    __slots__ = ("prefix", "_scope_tag_bytes", "_entries", "_tasks", "get", "get_timing")

    def __init__(self, prefix: str, scope_tag_bytes: Union[bytes, None]) -> None:
        self.prefix = prefix
        self._scope_tag_bytes = scope_tag_bytes
        self._entries: Dict[str, CachedName] = {}
        # The cached names already marked as tasks: timing()'s fast path looks here, so that the
        # first timing of a name goes the slow way once and is marked.
        self._tasks: Dict[str, CachedName] = {}
        # The hot path: dict.get itself, no Python frame in between.
        self.get = self._entries.get
        self.get_timing = self._tasks.get

    def resolve(self, name: object) -> Union[CachedName, str]:
        """The slow path: validates and encodes prefix + name; a CachedName or a reason str."""
        # An empty name is bad even when a prefix would make the full name non-empty.
        if type(name) is not str or not name:
            return "bad_name"
        full_name = self.prefix + name
        str_bytes: Any = encode_name(full_name)
        if type(str_bytes) is str:
            return str_bytes
        cached = CachedName(full_name, str_bytes, self._scope_tag_bytes)
        if len(self._entries) < MAX_CACHED_NAMES:
            self._entries[name] = cached
        return cached

    def mark_task(self, name: object, cached: CachedName) -> None:
        cached.is_task = True
        if type(name) is str and self._entries.get(name) is cached:
            self._tasks[name] = cached
