"""The methods pystatsd and datadogpy users already write, beside Client's own (client.py):
incr / decr (pystatsd), distribution (datadog; a histogram on this wire), timer (pystatsd) and
timed (datadog), each in its library's argument order. Where the orders conflict the type decides
(call_args.py): a number after the value is the sample rate, a mapping or a list is the tags."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Sequence, Union

from .record import Recorder
from .spec import KIND_COUNT, KIND_HISTOGRAM
from .statsd_timer import StatsdTimer

Number = Union[int, float]
# A sample rate (a number in (0, 1]), tags (a mapping, or a list of "key:value" str), or None.
RateOrTags = Union[Number, Mapping[str, str], Sequence[str], None]


class CompatMethods(Recorder):
    def incr(self, stat: str, count: Number = 1, rate: RateOrTags = None, tags: RateOrTags = None, *, sample_rate: Optional[Number] = None) -> None:
        """pystatsd: counter += count, kept with probability rate (then sent with it)."""
        self._sampled(KIND_COUNT, stat, count, rate, tags, sample_rate, self._core.options.sample_rate)

    def decr(self, stat: str, count: Number = 1, rate: RateOrTags = None, tags: RateOrTags = None, *, sample_rate: Optional[Number] = None) -> None:
        """pystatsd: counter -= count."""
        negated = -count if type(count) in (int, float) else count
        self._sampled(KIND_COUNT, stat, negated, rate, tags, sample_rate, self._core.options.sample_rate)

    def distribution(
        self, metric: str, value: Number, tags: RateOrTags = None, sample_rate: RateOrTags = None, *, rate: Optional[Number] = None
    ) -> None:
        """datadog: one observation; the agent keeps it as a histogram (its percentiles are the
        agent's, not computed server-side as Datadog does)."""
        self._sampled(KIND_HISTOGRAM, metric, value, tags, sample_rate, rate, 1)

    def timer(self, stat: str, rate: RateOrTags = None, tags: RateOrTags = None, *, sample_rate: Optional[Number] = None) -> StatsdTimer:
        """pystatsd: a context manager (`with client.timer("x"):`), decorator (`@client.timer("x")`)
        or manual timer (.start() / .stop() / .send(), .ms) that sends one timing in ms."""
        return StatsdTimer(self, stat, rate, tags, sample_rate, True)

    def timed(
        self,
        metric: Union[str, Callable[..., Any], None] = None,
        tags: RateOrTags = None,
        sample_rate: RateOrTags = None,
        use_ms: Optional[bool] = None,
        *,
        rate: Optional[Number] = None,
    ) -> Any:
        """datadog: a decorator (metric defaults to module.function) and context manager that
        sends one timing. The wire unit is ms whatever use_ms says; use_ms only sets the unit of
        .elapsed (seconds by default, as datadog's)."""
        if callable(metric):  # `@client.timed` without parentheses
            return StatsdTimer(self, None, tags, sample_rate, rate, use_ms is True)(metric)
        return StatsdTimer(self, metric, tags, sample_rate, rate, use_ms is True)
