"""track() as decorator (def, async def) and context manager (with, async with), and start_timer:
in flight while running, then one task_end_success / task_end_error with the duration; the app's
own exception propagates as the same object; one Track object serves many threads and asyncio
tasks at once. Time comes from an injected clock, so durations are exact."""
import asyncio
import inspect
import threading
import unittest

import support
from support import FakeClock, events_only, reports_only
from taskmeter import Client, TaskTimer


class AppError(Exception):
    pass


class TrackTest(unittest.TestCase):
    def setUp(self):
        self.receiver = support.UdpReceiver()
        self.addCleanup(self.receiver.close)
        self.clock = FakeClock()
        self.client = Client("127.0.0.1", self.receiver.port, prefix="app.", buffer_flush_interval=60000, clock_ms=self.clock)
        self.addCleanup(self.client.close)

    def ends(self, count):
        self.client.flush()
        items = self.receiver.wait_for_items("%d end events" % count, lambda items: len(events_only(items)) >= count)
        return [(e["kind"], e["name"], e["value"]) for e in events_only(items)]

    def test_decorated_function_returns_its_value_and_ends_with_its_duration(self):
        @self.client.track("work")
        def work(x, y=1):
            self.clock.now_ms += 42
            return x + y

        self.assertEqual(work.__name__, "work")
        self.assertEqual(work(1, y=2), 3)
        self.assertEqual(self.ends(1), [("task_end_success", "app.work", 42)])

    def test_decorated_function_that_raises_propagates_the_same_exception(self):
        error = AppError("boom")

        @self.client.track("work")
        def work():
            self.clock.now_ms += 0.5
            raise error

        with self.assertRaises(AppError) as raised:
            work()
        self.assertIs(raised.exception, error)
        self.assertEqual(self.ends(1), [("task_end_error", "app.work", 0.5)])

    def test_decorated_coroutine_function_stays_a_coroutine_function(self):
        @self.client.track("predict")
        async def predict(x):
            await asyncio.sleep(0)
            self.clock.now_ms += 7
            if x < 0:
                raise AppError("negative")
            return x * 2

        self.assertTrue(inspect.iscoroutinefunction(predict))
        self.assertEqual(asyncio.run(predict(21)), 42)
        with self.assertRaises(AppError):
            asyncio.run(predict(-1))
        self.assertEqual(self.ends(2), [("task_end_success", "app.predict", 7), ("task_end_error", "app.predict", 7)])

    def test_decorated_functions_keep_their_signature(self):
        # What FastAPI reads (inspect.signature follows __wrapped__) to bind a request to a handler.
        async def handler(features: dict, limit: int = 5) -> dict:
            return {}

        def plain(a, *args, key=None, **kwargs):
            return a

        for fn in (handler, plain):
            tracked = self.client.track("x")(fn)
            self.assertEqual(inspect.signature(tracked), inspect.signature(fn))
            self.assertIs(tracked.__wrapped__, fn)
            self.assertEqual(tracked.__qualname__, fn.__qualname__)

    def test_cancellation_ends_as_error(self):
        @self.client.track("slow")
        async def slow(started):
            started.set()
            await asyncio.Event().wait()

        async def main():
            started = asyncio.Event()
            task = asyncio.ensure_future(slow(started))
            await started.wait()
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task

        asyncio.run(main())
        self.assertEqual(self.ends(1)[0][:2], ("task_end_error", "app.slow"))

    def test_with_and_async_with(self):
        with self.client.track("block") as timer:
            self.assertIsInstance(timer, TaskTimer)
            self.clock.now_ms += 3
        with self.assertRaises(AppError):
            with self.client.track("block"):
                raise AppError()
        with self.client.track("block") as timer:
            timer.fail()  # an error response returned, not raised

        async def main():
            async with self.client.track("ablock", {"route": "/x"}):
                self.clock.now_ms += 5

        asyncio.run(main())
        ends = self.ends(4)
        self.assertEqual(ends[:3], [("task_end_success", "app.block", 3), ("task_end_error", "app.block", 0), ("task_end_error", "app.block", 0)])
        self.assertEqual(ends[3], ("task_end_success", "app.ablock", 5))
        self.assertEqual(events_only(self.receiver.items())[3]["tags"], {"route": "/x"})

    def test_a_task_is_in_flight_while_it_runs(self):
        with self.client.track("inside"):
            self.client.flush()
        self.client.flush()
        items = self.receiver.wait_for_items("2 reports", lambda items: len(reports_only(items)) >= 2)
        self.assertEqual([r["inflight"] for r in reports_only(items)][:2], [{"app.inside": 1}, {"app.inside": 0}])

    def test_one_track_object_shared_by_many_asyncio_tasks_and_threads(self):
        shared = self.client.track("shared")
        tasks_count = 50

        async def main():
            all_started = asyncio.Event()
            started = []

            async def one(i):
                async with shared:
                    started.append(i)
                    if len(started) == tasks_count:
                        self.client.flush()  # the report while all 50 are in flight
                        all_started.set()
                    await all_started.wait()
                    if i % 10 == 0:
                        raise AppError(i)

            results = await asyncio.gather(*(one(i) for i in range(tasks_count)), return_exceptions=True)
            return sum(isinstance(r, AppError) for r in results)

        self.assertEqual(asyncio.run(main()), 5)

        threads_count = 8
        barrier = threading.Barrier(threads_count)

        def in_thread():
            with shared:
                barrier.wait(timeout=10)

        threads = [threading.Thread(target=in_thread) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        ends = self.ends(tasks_count + threads_count)
        self.assertEqual(sum(kind == "task_end_error" for kind, _, _ in ends), 5)
        self.assertEqual(len(ends), tasks_count + threads_count)
        self.assertEqual(reports_only(self.receiver.items())[0]["inflight"], {"app.shared": tasks_count})
        self.assertEqual(self.client.stats()["dropped"], {})

    def test_nested_blocks_of_one_track_object(self):
        outer = self.client.track("nested")
        with outer:
            self.clock.now_ms += 1
            with outer:
                self.clock.now_ms += 2
        self.assertEqual(self.ends(2), [("task_end_success", "app.nested", 2), ("task_end_success", "app.nested", 3)])

    def test_start_timer_end_merges_tags_and_returns_the_duration(self):
        client = self.client.child(tags={"region": "eu"})
        timer = client.start_timer("db", {"shard": "3"})
        self.clock.now_ms += 12.5
        self.assertEqual(timer.end(status="error", tags={"query": "select"}), 12.5)
        self.assertEqual(self.ends(1), [("task_end_error", "app.db", 12.5)])
        self.assertEqual(events_only(self.receiver.items())[0]["tags"], {"region": "eu", "shard": "3", "query": "select"})

    def test_misused_timers_are_counted_not_raised(self):
        twice = self.client.start_timer("twice")
        twice.end()
        twice.end()
        bad = self.client.start_timer("bad")
        bad.end(status="maybe")
        self.assertEqual(self.client.track("x")(42), 42)

        def numbers():
            yield 1

        async def stream():
            yield 1

        self.assertIs(self.client.track("x")(numbers), numbers, "a generator function is left as is")
        self.assertIs(self.client.track("x")(stream), stream)
        self.assertEqual(self.client.stats()["dropped"], {"bad_argument": 5})
        self.assertEqual(self.ends(1), [("task_end_success", "app.twice", 0)])
        self.client.flush()
        reports = reports_only(self.receiver.items())
        self.assertEqual(reports[-1]["inflight"], {"app.twice": 0, "app.bad": 0}, "a misused end still ends the in-flight count")


if __name__ == "__main__":
    unittest.main()
