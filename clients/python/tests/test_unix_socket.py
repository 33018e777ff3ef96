"""unix_socket=: the same datagrams over a real unix datagram socket (AF_UNIX, SOCK_DGRAM) in a
temporary directory. A missing socket file, a receiver that went away and a full receiver queue
are dropped and counted as send_failed, never raised and never blocking; a receiver bound again
at the same path gets the next flush. TASKMETER_UNIX_SOCKET is the environment fallback."""
import os
import shutil
import tempfile
import time
import unittest

import support
from support import UnixReceiver, events_only, reports_only
from taskmeter import Client, TaskmeterError
from taskmeter.options import MAX_UNIX_SOCKET_PATH_BYTES
from taskmeter.spec import LOOPBACK_MAX_DATAGRAM_BYTES
from taskmeter.unix_transport import UnixTransport

# A flush interval no test waits for: only an explicit flush sends.
NEVER_MS = 60000


class UnixSocketTestCase(unittest.TestCase):
    def setUp(self):
        # mkdtemp under /tmp keeps the path far below sun_path's 107 bytes.
        self.dir = tempfile.mkdtemp(prefix="tm-uds-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, "agent.sock")
        self.errors = []

    def receiver(self):
        receiver = UnixReceiver(self.path)
        self.addCleanup(receiver.close)
        return receiver

    def client(self, **options):
        options.setdefault("buffer_flush_interval", NEVER_MS)
        client = Client(unix_socket=self.path, error_handler=self.errors.append, **options)
        self.addCleanup(client.close)
        return client

    def send_one(self, client, name):
        """One event and a flush; returns the send_failed count after it. Raises only if the client did."""
        client.timing(name, 1.5)
        client.flush()
        return client.stats()["dropped"].get("send_failed", 0)


class UnixSocketDeliveryTest(UnixSocketTestCase):
    def test_events_and_inflight_reports_arrive_and_decode(self):
        receiver = self.receiver()
        client = self.client(prefix="uds.")
        self.assertIsInstance(client._core.transport, UnixTransport)
        client.timing("predict", 12.5, {"model": "a"})
        client.increment("jobs", 3)
        client.gauge("depth", 7)
        with client.track("work"):
            client.flush()
        client.flush()
        items = receiver.wait_for_items("4 events and the reports", lambda items: len(events_only(items)) == 4 and len(reports_only(items)) >= 2)
        shapes = [(e["kind"], e["name"], e["value"], e["tags"]) for e in events_only(items)]
        expected = [
            ("timing", "uds.predict", 12.5, {"model": "a"}),
            ("count", "uds.jobs", 3, None),
            ("gauge", "uds.depth", 7, None),
            ("task_end_success", "uds.work", shapes[3][2], None),
        ]
        self.assertEqual(shapes, expected)
        reports = reports_only(items)
        self.assertEqual(reports[0]["inflight"], {"uds.work": 1})
        self.assertEqual(reports[0]["clientId"], client._core.report_id)
        stats = client.stats()
        self.assertEqual((stats["sent"], stats["dropped"], stats["socket_errors"]), (4, {}, 0))
        self.assertEqual(stats["datagrams"], len(receiver.datagrams))
        self.assertEqual(self.errors, [])

    def test_a_missing_socket_file_is_counted_not_raised(self):
        client = self.client()
        self.assertEqual(self.send_one(client, "x"), 1)
        self.assertEqual(self.send_one(client, "y"), 2)
        self.assertEqual(client.stats()["sent"], 0)
        self.assertEqual({e.code for e in self.errors}, {"TM_ERR_DROPPED"})
        self.assertIn("no socket file", str(self.errors[0]))
        self.assertIn(self.path, str(self.errors[0]))

    def test_a_receiver_that_goes_away_mid_run_is_counted_then_found_again(self):
        receiver = self.receiver()
        client = self.client()
        self.assertEqual(self.send_one(client, "before"), 0)
        receiver.wait_for_items("the first datagram", lambda items: len(items) == 1)
        receiver.close()  # the file stays, as after a crash: ECONNREFUSED
        self.assertEqual(self.send_one(client, "stale"), 1)
        self.assertIn("nothing listens", str(self.errors[-1]))
        receiver.unlink()  # now ENOENT
        self.assertEqual(self.send_one(client, "gone"), 2)
        # The agent restarts at the same path: the same client reaches it with no reconnect call.
        again = self.receiver()
        self.assertEqual(self.send_one(client, "after"), 2)
        items = again.wait_for_items("the datagram after the restart", lambda items: len(items) == 1)
        self.assertEqual([item["name"] for item in items], ["after"])
        self.assertEqual(client.stats()["sent"], 2)

    def test_a_full_receiver_queue_drops_and_counts_without_blocking(self):
        receiver = self.receiver()  # never read until the end: its queue fills
        client = self.client()
        flushes = 300  # far above net.unix.max_dgram_qlen (10 by default, 512 at most in practice)
        started = time.monotonic()
        for i in range(flushes):
            self.send_one(client, "flood")
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, 5.0, "a blocking send would wait for a reader that never comes")
        stats = client.stats()
        dropped = stats["dropped"].get("send_failed", 0)
        self.assertGreater(dropped, 0)
        self.assertIn("receive queue is full", str(self.errors[0]))
        # Nothing is lost unnoticed: what the receiver got plus what was counted is every event.
        received = events_only(receiver.items())
        self.assertEqual(len(received), stats["sent"])
        self.assertEqual(stats["sent"] + dropped, flushes)

    def test_close_sends_the_pending_events_over_the_socket(self):
        receiver = self.receiver()
        client = Client(unix_socket=self.path, buffer_flush_interval=NEVER_MS)
        for i in range(5):
            client.histogram("size", i)
        client.close()
        items = receiver.wait_for_items("5 events sent by close()", lambda items: len(items) == 5)
        self.assertEqual([item["value"] for item in items], [0, 1, 2, 3, 4])


class UnixSocketOptionsTest(UnixSocketTestCase):
    def test_the_environment_names_the_socket_when_the_code_names_no_destination(self):
        receiver = self.receiver()
        env = {"TASKMETER_UNIX_SOCKET": self.path, "TASKMETER_HOST": "10.0.0.9"}
        client = Client(env=env, buffer_flush_interval=NEVER_MS)
        self.addCleanup(client.close)
        self.assertIsInstance(client._core.transport, UnixTransport)
        # A local socket takes loopback-sized datagrams whatever TASKMETER_HOST says.
        self.assertEqual(client._core.options.max_datagram_bytes, LOOPBACK_MAX_DATAGRAM_BYTES)
        self.assertEqual(self.send_one(client, "from_env"), 0)
        self.assertEqual([i["name"] for i in receiver.wait_for_items("the event", lambda items: len(items) == 1)], ["from_env"])

    def test_host_or_port_in_the_code_beats_the_environments_socket(self):
        udp = support.UdpReceiver()
        self.addCleanup(udp.close)
        client = Client("127.0.0.1", udp.port, env={"TASKMETER_UNIX_SOCKET": self.path}, buffer_flush_interval=NEVER_MS)
        self.addCleanup(client.close)
        self.assertEqual(self.send_one(client, "over_udp"), 0)
        self.assertEqual([i["name"] for i in udp.wait_for_items("the UDP event", lambda items: len(items) == 1)], ["over_udp"])
        self.assertFalse(os.path.exists(self.path))

    def test_unix_socket_in_the_code_beats_host_and_port(self):
        receiver = self.receiver()
        client = self.client(host="127.0.0.1", port=9)
        self.assertIsInstance(client._core.transport, UnixTransport)
        self.assertEqual(self.send_one(client, "over_unix"), 0)
        self.assertEqual(len(receiver.wait_for_items("the event", lambda items: len(items) == 1)), 1)

    def test_bad_socket_paths_raise_at_construction(self):
        too_long = "/tmp/" + "s" * MAX_UNIX_SOCKET_PATH_BYTES
        for options in ({"unix_socket": ""}, {"unix_socket": 42}, {"unix_socket": too_long}, {"env": {"TASKMETER_UNIX_SOCKET": too_long}}):
            with self.subTest(options=options):
                with self.assertRaises(TaskmeterError) as raised:
                    Client(**options)
                self.assertEqual(raised.exception.code, "TM_ERR_INVALID_OPTION")

    def test_an_empty_environment_value_means_udp(self):
        client = Client(env={"TASKMETER_UNIX_SOCKET": ""}, mock=False)
        self.addCleanup(client.close)
        self.assertNotIsInstance(client._core.transport, UnixTransport)


if __name__ == "__main__":
    unittest.main()
