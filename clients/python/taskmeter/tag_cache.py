"""Tags of a client scope (the client's, then each child's) merged and encoded once, plus a bounded
cache of per-call tag sets merged over them. A later tag wins for the same key and keeps the key's
first position, which is what a dict does (SPEC.md §4: tags go in the order the app gave them)."""
from collections.abc import Mapping

from .encode import encode_tags

# Distinct per-call tag sets cached per scope; past this a new set is merged and encoded per call.
MAX_CACHED_TAG_SETS = 1000


def merge_tags(base, tags):
    """base (a dict or None) then tags, later keys winning: a new dict, or 'bad_tags'."""
    if not isinstance(tags, Mapping):
        return "bad_tags"
    merged = dict(base) if base else {}
    for key, value in tags.items():
        if type(key) is not str or type(value) is not str:
            return "bad_tags"
        merged[key] = value
    return merged


class ScopeTags:
    __slots__ = ("merged", "tag_bytes", "plain_tail", "_call_cache")

    def __init__(self, merged, tag_bytes):
        self.merged = merged
        self.tag_bytes = tag_bytes
        # What follows the value of a rate-1 event: nothing, or nil (the rate) and the tags.
        self.plain_tail = b"" if tag_bytes is None else b"\xc0" + tag_bytes
        self._call_cache = {}

    @staticmethod
    def create(tags, parent):
        """A ScopeTags for `tags` over `parent` (None for the client), or a reason str."""
        if tags is None:
            return parent if parent is not None else ScopeTags({}, None)
        merged = merge_tags(parent.merged if parent is not None else None, tags)
        if type(merged) is str:
            return merged
        tag_bytes = encode_tags(list(merged.items()))
        if type(tag_bytes) is str:
            return tag_bytes
        return ScopeTags(merged, tag_bytes)

    def for_call(self, tags):
        """The encoded scope tags with per-call `tags` over them (None: no tags at all), or a reason."""
        if tags is None:
            return self.tag_bytes
        try:
            key = tuple(tags.items())
            hit = self._call_cache.get(key)
        except (AttributeError, TypeError):  # not a mapping, or an unhashable value
            return "bad_tags"
        if hit is not None:
            return hit or None
        merged = merge_tags(self.merged, tags)
        tag_bytes = merged if type(merged) is str else encode_tags(list(merged.items()))
        if len(self._call_cache) < MAX_CACHED_TAG_SETS:
            # None (an empty merged set) is stored as b"" so that a hit is never confused with a miss.
            self._call_cache[key] = b"" if tag_bytes is None else tag_bytes
        return tag_bytes
