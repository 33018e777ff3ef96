"""Encoded names per client scope, so the hot path is one dict lookup and no encoding. Each name
keeps, per event kind, the bytes before the value of its plain event (sample rate 1, the scope's
tags): timing() appends head + number + the scope's tail. Names are app input (a name built from a
user id would grow a cache forever), so past MAX_CACHED_NAMES a new name is encoded per call."""
from .encode import encode_name, event_head

MAX_CACHED_NAMES = 10000
_KINDS = range(10)


class CachedName:
    __slots__ = ("full_name", "str_bytes", "heads")

    def __init__(self, full_name, str_bytes, scope_tag_bytes):
        self.full_name = full_name  # prefix + name, as the agent will see it
        self.str_bytes = str_bytes
        self.heads = tuple(event_head(kind, str_bytes, 1, scope_tag_bytes) for kind in _KINDS)


class NameCache:
    __slots__ = ("prefix", "_scope_tag_bytes", "_entries", "get")

    def __init__(self, prefix, scope_tag_bytes):
        self.prefix = prefix
        self._scope_tag_bytes = scope_tag_bytes
        self._entries = {}
        # The hot path: dict.get itself, no Python frame in between.
        self.get = self._entries.get

    def resolve(self, name):
        """The slow path: validates and encodes prefix + name; a CachedName or a reason str."""
        # An empty name is bad even when a prefix would make the full name non-empty.
        if type(name) is not str or not name:
            return "bad_name"
        full_name = self.prefix + name
        str_bytes = encode_name(full_name)
        if type(str_bytes) is str:
            return str_bytes
        cached = CachedName(full_name, str_bytes, self._scope_tag_bytes)
        if len(self._entries) < MAX_CACHED_NAMES:
            self._entries[name] = cached
        return cached
