"""The pystatsd and datadogpy call shapes, read back from mock mode (the real encoding, decoded):
each library's argument order means what it meant there, the rate and the tags told apart by
type; timedelta timings; timer() and timed() as context manager, decorator and manual timer; and
a sample rate below 1 kept with that probability and carried on the wire."""
import asyncio
import unittest
from datetime import timedelta

import support
from support import FakeClock, FixedRandom, shapes
from taskmeter import Client


class CompatTest(unittest.TestCase):
    def client(self, **options):
        return support.mock_client(self, **options)

    def test_pystatsd_shapes(self):
        c = self.client(random=FixedRandom(0.05))
        c.incr("hits")
        c.incr("hits", 5)
        c.incr("hits", 2, 0.5)
        c.incr("hits", count=3, rate=0.25)
        c.decr("hits")
        c.decr("hits", 4, rate=0.5)
        c.timing("db", 12.5)
        c.timing("db", 12.5, 0.5)
        c.timing("db", timedelta(milliseconds=250), rate=0.1)
        c.gauge("depth", 7)
        c.gauge("depth", 3, 0.5)
        c.gauge("depth", -2, delta=True)
        c.gauge("depth", 4, 1, True)
        self.assertEqual(
            shapes(c),
            [
                ("count", "hits", 1, 1, None),
                ("count", "hits", 5, 1, None),
                ("count", "hits", 2, 0.5, None),
                ("count", "hits", 3, 0.25, None),
                ("count", "hits", -1, 1, None),
                ("count", "hits", -4, 0.5, None),
                ("timing", "db", 12.5, 1, None),
                ("timing", "db", 12.5, 0.5, None),
                ("timing", "db", 250, 0.1, None),
                ("gauge", "depth", 7, 1, None),
                ("gauge", "depth", 3, 0.5, None),
                ("gauge_delta", "depth", -2, 1, None),
                ("gauge_delta", "depth", 4, 1, None),
            ],
        )
        self.assertEqual(c.stats()["dropped"], {})

    def test_datadog_shapes(self):
        c = self.client(random=FixedRandom(0.05))
        c.increment("page.views")
        c.increment("page.views", 2, ["env:prod", "canary"])
        c.increment("page.views", tags=["env:prod"], sample_rate=0.5)
        c.increment("page.views", 1, ["env:prod"], 0.5)
        c.decrement("jobs", 2, {"queue": "a"})
        c.gauge("users.online", 123, ["region:eu"])
        c.gauge("users.online", 124, ["region:eu"], 0.5)
        c.histogram("file.size", 1024, ["type:png"], sample_rate=0.5)
        c.distribution("latency", 3.5, ["route:/a"])
        c.timing("query", 8.25, ["db:main"])
        c.timing("query", 8.25, tags={"db": "main"}, sample_rate=0.5)
        eu = {"region": "eu"}
        self.assertEqual(
            shapes(c),
            [
                ("count", "page.views", 1, 1, None),
                ("count", "page.views", 2, 1, {"env": "prod", "canary": "true"}),
                ("count", "page.views", 1, 0.5, {"env": "prod"}),
                ("count", "page.views", 1, 0.5, {"env": "prod"}),
                ("count", "jobs", -2, 1, {"queue": "a"}),
                ("gauge", "users.online", 123, 1, eu),
                ("gauge", "users.online", 124, 0.5, eu),
                ("histogram", "file.size", 1024, 0.5, {"type": "png"}),
                ("histogram", "latency", 3.5, 1, {"route": "/a"}),
                ("timing", "query", 8.25, 1, {"db": "main"}),
                ("timing", "query", 8.25, 0.5, {"db": "main"}),
            ],
        )

    def test_the_hot_shots_order_still_works(self):
        c = self.client(random=FixedRandom(0.05))
        c.increment("a", 2, 0.5, {"k": "v"})
        c.increment("a", 2, {"k": "v"})
        c.increment("a", 2, sample_rate=0.5, tags=["k:v"])
        self.assertEqual(shapes(c), [("count", "a", 2, 0.5, {"k": "v"}), ("count", "a", 2, 1, {"k": "v"}), ("count", "a", 2, 0.5, {"k": "v"})])

    def test_conflicting_places_are_dropped_not_raised(self):
        c = self.client()
        c.increment("a", 1, 0.5, rate=0.5)  # two rates
        c.increment("a", 1, ["k:v"], {"k": "w"})  # tags twice
        c.gauge("g", 1, delta="yes")
        c.timing("t", timedelta(seconds=-1))
        c.histogram("h", timedelta(seconds=1))  # a timedelta is a duration: timings only
        self.assertEqual(shapes(c), [])
        self.assertEqual(c.stats()["dropped"], {"bad_argument": 3, "negative_duration": 1, "bad_value": 1})

    def test_a_sample_rate_samples_every_kind_on_the_client(self):
        c = self.client(random=FixedRandom(0.3, 0.7, 0.3, 0.7, 0.3, 0.7, 0.3, 0.7))
        for call in (lambda: c.timing("t", 1.5, 0.5), lambda: c.gauge("g", 1, 0.5), lambda: c.histogram("h", 1, 0.5), lambda: c.incr("c", 1, 0.5)):
            call()
            call()
        self.assertEqual([(e["kind"], e["sampleRate"]) for e in c.mock_events], [("timing", 0.5), ("gauge", 0.5), ("histogram", 0.5), ("count", 0.5)])
        self.assertEqual(c.stats()["sampled_out"], 4)

    def test_timer_as_context_manager_decorator_and_manual(self):
        clock = FakeClock(1000.0)
        c = self.client(clock_ms=clock, random=FixedRandom(0.0))
        with c.timer("block") as timer:
            clock.now_ms += 12.5
        self.assertEqual(timer.ms, 12.5)

        @c.timer("fn", 0.5)
        def work():
            clock.now_ms += 3.0
            return "done"

        self.assertEqual(work(), "done")
        manual = c.timer("manual", tags=["step:1"]).start()
        clock.now_ms += 7.0
        manual.stop(send=False)
        manual.send()
        manual.send()  # one measurement, one event: the second is dropped
        with self.assertRaises(ValueError), c.timer("raises"):
            clock.now_ms += 1.0
            raise ValueError("the app's error propagates")
        self.assertEqual(
            [(e["name"], e["value"], e["sampleRate"], e["tags"]) for e in c.mock_events],
            [("block", 12.5, 1, None), ("fn", 3, 0.5, None), ("manual", 7, 1, {"step": "1"}), ("raises", 1, 1, None)],
        )
        self.assertEqual(c.stats()["dropped"], {"bad_argument": 1})

    def test_timed_as_decorator_context_manager_and_coroutine(self):
        clock = FakeClock(0.0)
        c = self.client(clock_ms=clock)

        @c.timed("checkout", tags=["env:prod"], sample_rate=1)
        def checkout():
            clock.now_ms += 40.0

        @c.timed
        def bare():
            clock.now_ms += 1.0

        @c.timed()
        async def fetch():
            clock.now_ms += 2.0
            await asyncio.sleep(0)

        checkout()
        bare()
        asyncio.run(fetch())
        with c.timed("block", use_ms=True) as block:
            clock.now_ms += 5.0
        with c.timed("seconds") as seconds:
            clock.now_ms += 1500.0
        self.assertEqual((block.elapsed, seconds.elapsed), (5.0, 1.5))
        self.assertEqual(
            [(e["name"], e["value"], e["tags"]) for e in c.mock_events],
            [("checkout", 40, {"env": "prod"}), ("test_compat.bare", 1, None), ("test_compat.fetch", 2, None), ("block", 5, None), ("seconds", 1500, None)],
        )

    def test_timers_do_not_time_generators_and_never_raise(self):
        c = self.client()

        def numbers():
            yield 1

        self.assertIs(c.timer("gen")(numbers), numbers)
        self.assertEqual(c.timed("x")(5), 5)
        c.timer("never").stop()
        c.timer("never").send()
        self.assertEqual(c.mock_events, [])
        self.assertEqual(c.stats()["dropped"], {"bad_argument": 4})


if __name__ == "__main__":
    unittest.main()
