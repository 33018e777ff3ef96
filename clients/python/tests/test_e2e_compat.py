"""End to end with the real agent (as test_e2e_agent.py starts it): the calls a pystatsd app and a
datadog app make, over real UDP, and the exact figures the agent then shows on /dashboard and
/metrics. Sampled calls are all kept (random() is 0) so that the 1/rate scaling is exact: a count
sent at rate 0.5 counts 2, a timing at rate 0.25 counts 4 requests. report() reads /report."""
import re
import socket
import unittest
from datetime import timedelta

import support
import test_e2e_agent as agent_e2e
from support import FakeClock
from taskmeter import Client


def send_statsd_text(port, payload):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.sendto(payload, ("127.0.0.1", port))
    finally:
        sock.close()


class CompatEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = agent_e2e.AgentProcess()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def client(self, prefix, clock):
        report_url = "http://127.0.0.1:%d" % self.agent.http_port
        client = Client("127.0.0.1", self.agent.udp_port, prefix=prefix, random=lambda: 0.0, clock_ms=clock, report_url=report_url)
        self.addCleanup(client.close)
        return client

    def wait_for_dashboard(self, what, predicate):
        def probe():
            dashboard = self.agent.dashboard()
            return dashboard if predicate(dashboard) else None

        return support.wait_for(what, probe, 10.0, interval_s=0.02)

    def assert_nothing_rejected(self, client):
        self.assertEqual(client.stats()["dropped"], {})
        metrics = self.agent.get("/metrics")
        invalid = [line for line in metrics.splitlines() if line.startswith("taskmeter_") and "invalid_total{" in line and not line.endswith(" 0")]
        self.assertEqual(invalid, [], "the agent rejected nothing the Python client sent")
        return metrics

    def test_a_pystatsd_app(self):
        clock = FakeClock()
        statsd = self.client("ps.", clock)
        statsd.incr("jobs", 5)
        statsd.incr("jobs", 2, 0.5)  # counts 4
        statsd.decr("jobs")
        statsd.timing("db", 12.5)
        statsd.timing("db", timedelta(milliseconds=20), 0.25)  # 4 requests of 20 ms
        with statsd.timer("render"):
            clock.now_ms += 30.0

        @statsd.timer("render")
        def render():
            clock.now_ms += 50.0

        render()
        statsd.gauge("depth", 10)
        statsd.gauge("depth", -3, delta=True)
        statsd.set("visitors", "alice")
        statsd.set("visitors", 42)
        statsd.set("visitors", "alice", 0.5)  # the same member: the set still holds 2
        statsd.flush()
        # StatsD text's member 42 is the protocol's "42": still 2 members, plus "bob".
        send_statsd_text(self.agent.udp_port, b"ps.visitors:42|s\nps.visitors:bob|s")
        dashboard = self.wait_for_dashboard(
            "the pystatsd figures",
            lambda d: d["counters"].get("ps.jobs") == 8 and d["gauges"].get("ps.depth") == 7 and "ps.render" in d["tasks"] and "ps.db" in d["tasks"],
        )
        db = dashboard["tasks"]["ps.db"]
        self.assertEqual((db["completed"], db["failed"], db["sum_ms"], db["latency_ms"]["max"]), (5, 0, 92.5, 20))
        render_task = dashboard["tasks"]["ps.render"]
        self.assertEqual((render_task["completed"], render_task["sum_ms"], render_task["latency_ms"]["max"]), (2, 80, 50))
        metrics = self.assert_nothing_rejected(statsd)
        self.assertRegex(metrics, r"(?m)^ps_jobs_total 8$")
        self.assertRegex(metrics, r'(?m)^tasks_completed_total\{task="ps\.db"\} 5$')
        # A set is a gauge of its unique members, named after the set (sanitized).
        support.wait_for("the set gauge", lambda: re.search(r"(?m)^ps_visitors 3$", self.agent.get("/metrics")), 10.0, interval_s=0.02)
        report = statsd.report()
        self.assertIn("ps.db", report)
        self.assertIn("ps.render", report)
        self.assertNotIn("unavailable", report)

    def test_a_datadog_app(self):
        clock = FakeClock()
        statsd = self.client("dd.", clock)
        statsd.increment("views", 1, ["env:prod", "canary"])
        statsd.increment("views", tags={"env": "prod", "canary": "true"}, sample_rate=0.25)  # counts 4
        statsd.decrement("views", 2, ["env:prod", "canary"])
        statsd.gauge("users", 5, ["region:eu"])
        statsd.histogram("size", 100, ["type:png"], 0.5)  # 2 observations
        statsd.distribution("lat", 3.5)
        statsd.timing("query", 8.0, ["db:main"], 0.5)  # 2 requests

        @statsd.timed("checkout", tags=["env:prod"])
        def checkout():
            clock.now_ms += 40.0

        checkout()
        with statsd.timed("block", use_ms=True):
            clock.now_ms += 6.0
        statsd.flush()
        views = 'dd.views{canary="true",env="prod"}'
        dashboard = self.wait_for_dashboard(
            "the datadog figures",
            lambda d: d["counters"].get(views) == 3 and 'dd.checkout{env="prod"}' in d["tasks"] and "dd.block" in d["tasks"] and "dd.lat" in d["histograms"],
        )
        self.assertEqual(dashboard["gauges"]['dd.users{region="eu"}'], 5)
        size = dashboard["histograms"]['dd.size{type="png"}']
        self.assertEqual((size["count"], size["sum"], size["max"]), (2, 200, 100))
        self.assertEqual((dashboard["histograms"]["dd.lat"]["count"], dashboard["histograms"]["dd.lat"]["max"]), (1, 3.5))
        query = dashboard["tasks"]['dd.query{db="main"}']
        self.assertEqual((query["completed"], query["sum_ms"], query["labels"]), (2, 16, {"db": "main"}))
        checkout_task = dashboard["tasks"]['dd.checkout{env="prod"}']
        self.assertEqual((checkout_task["completed"], checkout_task["sum_ms"]), (1, 40))
        self.assertEqual(dashboard["tasks"]["dd.block"]["sum_ms"], 6)
        metrics = self.assert_nothing_rejected(statsd)
        self.assertRegex(metrics, r'(?m)^dd_views_total\{canary="true",env="prod"\} 3$')
        self.assertRegex(metrics, r'(?m)^dd_size_count\{type="png"\} 2$')


if __name__ == "__main__":
    unittest.main()
