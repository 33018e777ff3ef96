"""Counter sampling (increment/decrement): a call is kept when random() < rate and then carries the
rate, so the agent scales it by 1/rate (SPEC.md §3); a skipped call is counted in
stats()["sampled_out"]. A rate outside (0, 1] is dropped as bad_sample_rate. Rate 1 never asks
the random source."""
import math
import random
import unittest

import support
from support import FixedRandom


def failing_random():
    raise AssertionError("random() must not be called for rate 1")


class SamplingTest(support.ReceiverTestCase):
    client_defaults = {"buffer_flush_interval": 60000}

    def test_kept_below_the_rate_and_sent_with_it_skipped_at_or_above(self):
        client = self.client(random=FixedRandom(0.3, 0.5, 0.7, 0.49))
        for _ in range(4):
            client.increment("hits", 1, 0.5)
        client.flush()
        items = self.receiver.wait_for_items("2 kept counts", lambda items: len(items) == 2)
        self.assertEqual([(i["kind"], i["value"], i["sampleRate"]) for i in items], [("count", 1, 0.5)] * 2)
        self.assertEqual(client.stats()["sampled_out"], 2)
        self.assertEqual(client.stats()["sent"], 2)

    def test_the_client_sample_rate_is_the_default_for_counters_only(self):
        client = self.client(sample_rate=0.25, random=FixedRandom(0.1))
        client.increment("hits")
        client.decrement("hits", 3)
        client.timing("task", 1.5)
        client.gauge("g", 2)
        client.flush()
        items = self.receiver.wait_for_items("4 events", lambda items: len(items) == 4)
        self.assertEqual([(i["kind"], i["value"], i["sampleRate"]) for i in items], [("count", 1, 0.25), ("count", -3, 0.25), ("timing", 1.5, 1), ("gauge", 2, 1)])

    def test_rate_one_never_calls_random(self):
        client = self.client(random=failing_random)
        client.increment("a")
        client.increment("a", 2, 1)
        client.increment("a", 2, 1.0, {"k": "v"})
        client.timing("t", 3.5)
        client.flush()
        items = self.receiver.wait_for_items("4 events", lambda items: len(items) == 4)
        self.assertTrue(all(item["sampleRate"] == 1 for item in items))
        self.assertEqual(client.stats()["dropped"], {})

    def test_a_mapping_in_third_place_is_the_tags(self):
        client = self.client(random=failing_random)
        client.increment("a", 2, {"region": "eu"})
        client.flush()
        items = self.receiver.wait_for_items("1 event", lambda items: len(items) == 1)
        self.assertEqual((items[0]["value"], items[0]["tags"]), (2, {"region": "eu"}))

    def test_a_rate_outside_zero_one_is_dropped(self):
        client = self.client(random=failing_random)
        for rate in (0, 0.0, 1.5, 2, -0.5, math.nan, math.inf, "0.5", True, b"0.5"):
            client.increment("a", 1, rate)
        self.assertEqual(client.stats()["dropped"], {"bad_sample_rate": 10})
        # A list in that place is tags (datadog's order), so [0.5] is bad tags, not a bad rate.
        client.increment("a", 1, [0.5])
        self.assertEqual(client.stats()["dropped"], {"bad_sample_rate": 10, "bad_tags": 1})
        self.assertEqual(client.stats()["pending"], 0)

    def test_kept_fraction_follows_the_rate(self):
        rng = random.Random(7)
        client = self.client(random=rng.random)
        calls, rate = 20000, 0.1
        for _ in range(calls):
            client.increment("hits", 1, rate)
        stats = client.stats()
        kept = stats["pending"] + stats["sent"]
        self.assertEqual(kept + stats["sampled_out"], calls)
        sigma = math.sqrt(calls * rate * (1 - rate))
        self.assertLess(abs(kept - calls * rate), 4 * sigma)


if __name__ == "__main__":
    unittest.main()
