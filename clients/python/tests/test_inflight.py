"""In-flight reports (type 9, SPEC.md §3.1) over real UDP: a heartbeat every interval while a task
runs, with no other event pending; consecutive sequence numbers and one client id; 0 in exactly
three reports after a task's count drops to 0, then silence; never a task_start event; a report
too big for a datagram split with one sequence number per part; close() reports every task at 0."""
import unittest

import support
from support import events_only, reports_only
from taskmeter import Client
from taskmeter.inflight import ZERO_REPORTS, InflightTracker

INTERVAL_MS = 20


class InflightReportTest(support.ReceiverTestCase):
    client_defaults = {"buffer_flush_interval": INTERVAL_MS}

    def wait_until_idle(self, client):
        support.wait_for("the flush thread to go idle", lambda: True if not client._core.flusher.armed else None)

    def test_heartbeats_while_a_task_runs_then_three_zeros_then_silence(self):
        client = self.client()
        timer = client.start_timer("slow")
        items = self.receiver.wait_for_items("5 heartbeats", lambda items: len(reports_only(items)) >= 5)
        self.assertEqual(events_only(items), [], "a heartbeat needs no other event; no task_start is ever sent")
        reports = reports_only(items)
        self.assertTrue(all(r["inflight"] == {"slow": 1} for r in reports))
        # Reports carry their own random instance id (SPEC.md §3.1), not the header's client_id.
        self.assertEqual({r["clientId"] for r in reports}, {client._core.report_id})
        self.assertEqual(len(client._core.report_id), 16)
        self.assertTrue(all(r["flushIntervalMs"] == INTERVAL_MS for r in reports))
        self.assertEqual([r["sequence"] for r in reports], list(range(len(reports))))

        timer.end()
        self.wait_until_idle(client)
        items = self.receiver.items()
        self.assertEqual([(e["kind"], e["name"]) for e in events_only(items)], [("task_end_success", "slow")])
        after_end = [r["inflight"] for r in reports_only(items) if r["inflight"] != {"slow": 1}]
        self.assertEqual(after_end, [{"slow": 0}] * ZERO_REPORTS)
        sequences = [r["sequence"] for r in reports_only(items)]
        self.assertEqual(sequences, list(range(len(sequences))))
        self.assertEqual(client.stats()["reports"], len(sequences))

    def test_reports_count_concurrent_tasks_per_name(self):
        client = self.client(buffer_flush_interval=60000)
        timers = [client.start_timer("a") for _ in range(3)] + [client.start_timer("b")]
        client.flush()
        report = reports_only(self.receiver.wait_for_items("a report", lambda items: len(items) == 1))[0]
        self.assertEqual(report["inflight"], {"a": 3, "b": 1})
        timers[0].end()
        timers[3].end(status="error")
        client.flush()
        items = self.receiver.wait_for_items("2 ends and a report", lambda items: len(items) == 4)
        self.assertEqual([(e["kind"], e["name"]) for e in events_only(items)], [("task_end_success", "a"), ("task_end_error", "b")])
        self.assertEqual(reports_only(items)[1]["inflight"], {"a": 2, "b": 0})
        self.assertEqual(reports_only(items)[1]["sequence"], 1)

    def test_a_report_too_big_for_one_datagram_is_split_with_a_sequence_per_part(self):
        client = self.client(max_buffer_size=128, buffer_flush_interval=60000)
        names = ["task-with-a-long-name-%02d" % i for i in range(30)]
        for name in names:
            client.start_timer(name)
        client.flush()
        items = self.receiver.wait_for_items("every task reported", lambda items: sum(len(r["inflight"]) for r in reports_only(items)) >= 30)
        reports = reports_only(items)
        self.assertGreater(len(reports), 3)
        self.assertEqual([r["sequence"] for r in reports], list(range(len(reports))))
        merged = {}
        for report in reports:
            merged.update(report["inflight"])
        self.assertEqual(merged, dict.fromkeys(names, 1))
        self.assertTrue(all(len(d) <= 128 for d in self.receiver.datagrams))

    def test_close_reports_every_task_at_zero_and_later_ends_are_dropped(self):
        client = Client("127.0.0.1", self.receiver.port, buffer_flush_interval=60000)
        timer = client.start_timer("job")
        with client.track("other"):
            client.close()
        items = self.receiver.wait_for_items("the final report", lambda items: len(items) == 1)
        self.assertEqual(items[0]["inflight"], {"job": 0, "other": 0})
        self.assertGreaterEqual(timer.end(), 0.0)
        # The with block's end and the timer's end, both after close(): counted, never raised.
        self.assertEqual(client.stats()["dropped"], {"closed": 2})

    def test_a_forked_child_is_a_new_client(self):
        client = self.client(buffer_flush_interval=60000)
        client.timing("parent-only", 1.5)
        client.start_timer("parent-task")
        parent_id = client.client_id
        parent_report_id = client._core.report_id
        client._core.after_fork_in_child()  # what os.register_at_fork runs in the child
        self.assertNotEqual(client.client_id, parent_id)
        self.assertNotEqual(client._core.report_id, parent_report_id)
        self.assertEqual(client.stats()["pending"], 0, "the parent sends what it had buffered")
        client.start_timer("child-task")
        client.flush()
        report = self.receiver.wait_for_items("the child's report", lambda items: len(items) == 1)[0]
        self.assertEqual((report["clientId"], report["sequence"], report["inflight"]), (client._core.report_id, 0, {"child-task": 1}))
        # The child numbers its datagrams from 0 under its own id.
        from taskmeter.wire_decode import headers_of

        self.assertEqual(headers_of(self.receiver.datagrams)[-1], {"kind": "header", "clientId": client.client_id, "sequence": 0})


class InflightTrackerTest(unittest.TestCase):
    def test_zero_entries_are_listed_three_times_then_forgotten(self):
        tracker = InflightTracker()
        task = tracker.start("a", b"\xa1a")
        tracker.start("a", b"\xa1a")
        self.assertEqual(tracker.prepare_report(), ([b"\xa1a"], [2]))
        tracker.end(task)
        tracker.end(task)
        tracker.end(task)  # never below 0
        reports = [tracker.prepare_report() for _ in range(ZERO_REPORTS)]
        self.assertEqual(reports, [([b"\xa1a"], [0])] * ZERO_REPORTS)
        self.assertFalse(tracker.has_entries())
        self.assertEqual(tracker.prepare_report(), ([], []))

    def test_a_restart_during_the_zero_reports_resets_them(self):
        tracker = InflightTracker()
        tracker.end(tracker.start("a", b"\xa1a"))
        tracker.prepare_report()
        tracker.prepare_report()
        tracker.end(tracker.start("a", b"\xa1a"))
        for _ in range(ZERO_REPORTS):
            self.assertTrue(tracker.has_entries())
            tracker.prepare_report()
        self.assertFalse(tracker.has_entries())


if __name__ == "__main__":
    unittest.main()
