"""Batching over a real UDP socket on 127.0.0.1: datagrams never exceed max_buffer_size and are
full before they go, nothing is lost or reordered, the interval flush sends without flush(),
close() flushes, an event larger than max_buffer_size still goes (alone), and many threads
appending at once lose nothing."""
import threading
import unittest

import support
from support import events_only
from taskmeter import Client
from taskmeter.encode import encode_event, encode_name
from taskmeter.spec import PREFIX_BYTES

# A flush interval no test waits for: only size (or an explicit flush) sends.
NEVER_MS = 60000


class BatchingTest(support.ReceiverTestCase):

    def test_events_fill_datagrams_up_to_max_buffer_size_in_order(self):
        client = self.client(max_buffer_size=200, buffer_flush_interval=NEVER_MS, client_id="batcher")
        count = 500
        for i in range(count):
            client.timing("batch", i + 0.5)
        client.flush()
        items = self.receiver.wait_for_items("%d timings" % count, lambda items: len(items) >= count)
        self.assertEqual([item["value"] for item in items], [i + 0.5 for i in range(count)])
        self.assertTrue(all(item["kind"] == "timing" and item["name"] == "batch" for item in items))
        datagrams = self.receiver.datagrams
        event_bytes = len(encode_event(1, encode_name("batch"), 0.5, 1, None))
        self.assertTrue(all(len(d) <= 200 for d in datagrams))
        # Every datagram but the last went because the next event would not fit.
        self.assertTrue(all(len(d) + event_bytes > 200 for d in datagrams[:-1]))
        # Each datagram starts with its header [0, "batcher", sequence]: 2 + 8 + 1 bytes up to sequence 127.
        header_bytes = 2 + len("batcher") + 1 + 1
        self.assertEqual(len(datagrams), -(-count // ((200 - PREFIX_BYTES - header_bytes) // event_bytes)))
        stats = client.stats()
        self.assertEqual((stats["sent"], stats["datagrams"], stats["pending"]), (count, len(datagrams), 0))

    def test_nothing_is_sent_before_a_datagram_is_full_or_flushed(self):
        client = self.client(buffer_flush_interval=NEVER_MS)
        client.timing("held", 1.5)
        self.assertEqual((client.stats()["pending"], client.stats()["datagrams"]), (1, 0))
        client.flush()
        self.assertEqual(len(self.receiver.wait_for_items("the flushed event", lambda items: len(items) == 1)), 1)

    def test_the_interval_flush_sends_without_flush_then_goes_idle(self):
        client = self.client(buffer_flush_interval=20)
        client.gauge("queue_depth", 17)
        items = self.receiver.wait_for_items("the interval flush", lambda items: len(items) == 1)
        self.assertEqual(items[0]["value"], 17)
        # A tick that finds nothing to send disarms the thread: an idle client costs no wakeups.
        support.wait_for("the flush thread to go idle", lambda: True if not client._core.flusher.armed else None)
        client.increment("again")
        self.receiver.wait_for_items("a second interval flush after re-arming", lambda items: len(items) == 2)

    def test_close_flushes_pending_events(self):
        client = Client("127.0.0.1", self.receiver.port, buffer_flush_interval=NEVER_MS)
        for i in range(10):
            client.histogram("size", i)
        client.close()
        items = self.receiver.wait_for_items("10 events sent by close()", lambda items: len(items) == 10)
        self.assertEqual([item["value"] for item in items], list(range(10)))
        self.assertEqual(client.stats()["pending"], 0)

    def test_an_event_larger_than_max_buffer_size_goes_alone_in_a_bigger_datagram(self):
        client = self.client(max_buffer_size=64, buffer_flush_interval=NEVER_MS)
        big_tags = {"key%02d" % i: "v" * 100 for i in range(16)}
        client.timing("small", 1.5)
        client.gauge("big", 1, big_tags)
        client.timing("small", 2.5)
        client.flush()
        items = self.receiver.wait_for_items("3 events", lambda items: len(items) == 3)
        self.assertEqual([item["name"] for item in items], ["small", "big", "small"])
        self.assertEqual(items[1]["tags"], big_tags)
        self.assertEqual(sorted(len(d) > 64 for d in self.receiver.datagrams), [False, False, True])
        self.assertEqual(client.stats()["dropped"], {})

    def test_threads_appending_at_once_lose_nothing_and_keep_their_order(self):
        client = self.client(max_buffer_size=512, buffer_flush_interval=5)
        threads_count, calls = 8, 2000
        start = threading.Barrier(threads_count)

        def work(thread_index):
            start.wait(timeout=10)
            name = "t%d" % thread_index
            for i in range(calls):
                client.gauge(name, i)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        client.flush()
        total = threads_count * calls
        items = self.receiver.wait_for_items("%d gauges" % total, lambda items: len(events_only(items)) >= total, timeout_s=20)
        for n in range(threads_count):
            self.assertEqual([item["value"] for item in items if item.get("name") == "t%d" % n], list(range(calls)))
        stats = client.stats()
        self.assertEqual((stats["sent"], stats["dropped"]), (total, {}))
        self.assertEqual(stats["datagrams"], len(self.receiver.datagrams), "one send per datagram")


if __name__ == "__main__":
    unittest.main()
