"""Tags of a client scope (the client's, then each child's) merged and encoded once, plus a bounded
cache of per-call tag sets merged over them. A later tag wins for the same key and keeps the key's
first position, which is what a dict does (SPEC.md §4: tags go in the order the app gave them).

Tags are a mapping of str to str, or a list (or tuple) of "key:value" strings as datadog and
hot-shots users write them: split at the first colon, so "url:http://x" is key "url". A bare "tag"
with no colon is key "tag" with value "true": an empty value would be no tag at all to the agent
(SPEC.md §3: Prometheus reads an empty label as an absent one), and the TS client reads it the same."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Dict, Optional, Union

from .encode import encode_tags

# A mapping, or a list/tuple of "key:value" (or bare "tag") strings.
TagInput = Union[Mapping[str, str], Sequence[str]]

# Distinct per-call tag sets cached per scope and per form; past this a new set is merged and
# encoded per call.
MAX_CACHED_TAG_SETS = 1000
# The value of a bare tag (no colon): see the module docstring.
BARE_TAG_VALUE = "true"


def _merge_into(merged: Dict[str, str], tags: object) -> Union[Dict[str, str], str]:
    if isinstance(tags, Mapping):
        for key, value in tags.items():
            if type(key) is not str or type(value) is not str:
                return "bad_tags"
            merged[key] = value
        return merged
    if type(tags) is list or type(tags) is tuple:
        for tag in tags:
            if type(tag) is not str:
                return "bad_tags"
            key, colon, value = tag.partition(":")
            merged[key] = value if colon else BARE_TAG_VALUE
        return merged
    return "bad_tags"


def merge_tags(base: Optional[object], tags: object) -> Union[Dict[str, str], str]:
    """base (tags already accepted, or None) then tags, later keys winning: a new dict, or
    'bad_tags'. An empty key (":v") passes here and is refused by encode_tags."""
    merged: Dict[str, str] = {}
    if base:
        _merge_into(merged, base)
    return _merge_into(merged, tags)


class ScopeTags:
    __slots__ = ("merged", "tag_bytes", "plain_tail", "_call_cache", "_list_cache")

    def __init__(self, merged: Dict[str, str], tag_bytes: Optional[bytes]) -> None:
        self.merged = merged
        self.tag_bytes = tag_bytes
        # What follows the value of a rate-1 event: nothing, or nil (the rate) and the tags.
        self.plain_tail = b"" if tag_bytes is None else b"\xc0" + tag_bytes
        # Mappings are keyed by their items, lists by their strings: two caches, so that a list
        # of pairs can never hit a mapping's entry.
        self._call_cache: Dict[tuple, Any] = {}
        self._list_cache: Dict[tuple, Any] = {}

    @staticmethod
    def create(tags: Optional[object], parent: Optional[ScopeTags]) -> Union[ScopeTags, str]:
        """A ScopeTags for `tags` over `parent` (None for the client), or a reason str."""
        if tags is None:
            return parent if parent is not None else ScopeTags({}, None)
        merged: Any = merge_tags(parent.merged if parent is not None else None, tags)
        if type(merged) is str:
            return merged
        tag_bytes: Any = encode_tags(list(merged.items()))
        if type(tag_bytes) is str:
            return tag_bytes
        return ScopeTags(merged, tag_bytes)

    def for_call(self, tags: Optional[object]) -> Union[bytes, str, None]:
        """The encoded scope tags with per-call `tags` over them (None: no tags at all), or a reason."""
        if tags is None:
            return self.tag_bytes
        try:
            if type(tags) is list or type(tags) is tuple:
                key = tuple(tags)
                cache = self._list_cache
            else:
                key = tuple(tags.items())  # type: ignore[attr-defined]
                cache = self._call_cache
            hit = cache.get(key)
        except (AttributeError, TypeError):  # not a mapping, or an unhashable value
            return "bad_tags"
        if hit is not None:
            return hit or None
        merged: Any = merge_tags(self.merged, tags)
        tag_bytes: Any = merged if type(merged) is str else encode_tags(list(merged.items()))
        if len(cache) < MAX_CACHED_TAG_SETS:
            # None (an empty merged set) is stored as b"" so that a hit is never confused with a miss.
            cache[key] = b"" if tag_bytes is None else tag_bytes
        return tag_bytes
