"""Where the sample rate and the tags stand in a call. pystatsd puts a rate third
(incr(stat, count, rate)), datadogpy puts tags third and the rate fourth (increment(metric,
value, tags, sample_rate)), hot-shots puts the rate third and tags fourth. The client tells them
apart by type: a mapping, list or tuple is the tags; anything else that is not None is the rate
(and is then checked as a rate). So every one of those orders means what its library meant."""
from __future__ import annotations

import numbers
from collections.abc import Mapping
from datetime import timedelta
from typing import Tuple, Union

_ONE_MS = timedelta(milliseconds=1)


def is_tags(value: object) -> bool:
    return type(value) is list or type(value) is tuple or isinstance(value, Mapping)


def split_extras(third: object, fourth: object, rate: object) -> Union[Tuple[object, object], str]:
    """(rate, tags) from the two places after the value and a rate keyword (each may be None),
    or 'bad_argument' when two of them are rates or both are tags."""
    tags = None
    for extra in (third, fourth):
        if extra is None:
            continue
        if is_tags(extra):
            if tags is not None:
                return "bad_argument"
            tags = extra
        elif rate is None:
            rate = extra
        else:
            return "bad_argument"
    return rate, tags


def is_sample_rate(rate: object) -> bool:
    """A number in (0, 1]; bool, str and NaN are not (type(), not isinstance: True is an int)."""
    return (type(rate) is float or type(rate) is int) and 0 < rate <= 1  # type: ignore[operator]


def as_number(value: object, kind_is_timing: bool) -> Union[int, float, str]:
    """A value that is not a plain int or float: a timedelta (timings only) as ms, numpy scalars,
    Fraction… as int or float; bool, None, str… as the reason 'bad_value'."""
    if kind_is_timing and isinstance(value, timedelta):
        return value / _ONE_MS
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return "bad_value"
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def describe(name: object) -> str:
    if type(name) is str:
        return repr(name if len(name) <= 80 else name[:80] + "…")
    return "a " + type(name).__name__


def safe_repr(value: object) -> str:
    """repr() for a drop message, which must not raise: an app object's __repr__ may."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - the message is only a detail
        return "a " + type(value).__name__
    return text if len(text) <= 80 else text[:80] + "…"

