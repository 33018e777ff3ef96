"""Tags as a list of "key:value" strings wherever tags are taken (split at the first colon; a bare
"tag" is tag="true"; a later key wins); mock mode (events decoded in memory, nothing sent); and
report(), against a real local HTTP server: the agent's text for this client's tasks, or one line
that says why not, never an exception."""
import http.server
import socket
import threading
import unittest
import urllib.parse

import support
from taskmeter import BARE_TAG_VALUE, Client
from taskmeter.mock_transport import MockTransport


def tags_of(client):
    return [e["tags"] for e in client.mock_events]


class ListTagsTest(unittest.TestCase):
    def client(self, **options):
        return support.mock_client(self, **options)

    def test_the_rule_for_list_tags(self):
        c = self.client()
        c.gauge("g", 1, ["env:prod", "canary", "url:http://x:8080/a", "empty:", "env:dev"])
        self.assertEqual(BARE_TAG_VALUE, "true")
        self.assertEqual(tags_of(c), [{"env": "dev", "canary": "true", "url": "http://x:8080/a", "empty": ""}])

    def test_list_tags_on_the_client_children_tasks_and_ends(self):
        clock = support.FakeClock()
        c = self.client(tags=["service:api", "blue"], clock_ms=clock)
        child = c.child("db.", ("shard:1",))
        child.increment("q", 1, ["op:get"])
        with child.track("query", ["table:users"]):
            pass
        timer = c.start_timer("job", ["kind:batch"])
        timer.end("error", ["code:500", "kind:retry"])
        self.assertEqual(
            [(e["kind"], e["name"], e["tags"]) for e in c.mock_events],
            [
                ("count", "db.q", {"service": "api", "blue": "true", "shard": "1", "op": "get"}),
                ("task_end_success", "db.query", {"service": "api", "blue": "true", "shard": "1", "table": "users"}),
                ("task_end_error", "job", {"service": "api", "blue": "true", "kind": "retry", "code": "500"}),
            ],
        )
        global_tags = self.client(global_tags=["a:b"])
        global_tags.timing("t", 1.5)
        self.assertEqual(tags_of(global_tags), [{"a": "b"}])

    def test_a_list_and_a_mapping_of_the_same_tags_encode_alike_and_cache_apart(self):
        c = self.client()
        for _ in range(2):
            c.histogram("h", 1, ["k:v"])
            c.histogram("h", 1, {"k": "v"})
            c.histogram("h", 1, [("k", "v")])  # pairs are not "key:value" strings
        self.assertEqual(tags_of(c), [{"k": "v"}] * 4)
        self.assertEqual(c.stats()["dropped"], {"bad_tags": 2})


class MockModeTest(unittest.TestCase):
    def test_events_are_recorded_not_sent_and_reports_are_left_out(self):
        c = Client(mock=True, prefix="app.", buffer_flush_interval=5)
        self.addCleanup(c.close)
        self.assertIsInstance(c._core.transport, MockTransport)
        timer = c.start_timer("slow")
        support.wait_for("an in-flight report", lambda: True if c.stats()["reports"] > 0 else None)
        timer.end()
        c.timing("fast", 2.5)
        self.assertEqual([(e["kind"], e["name"]) for e in c.mock_events], [("task_end_success", "app.slow"), ("timing", "app.fast")])
        self.assertEqual((c.stats()["sent"], c.stats()["pending"]), (2, 0))
        c.mock_events.clear()
        c.gauge("g", 1)
        self.assertEqual(len(c.mock_events), 1)

    def test_a_real_client_has_no_mock_events_and_a_mock_has_no_report(self):
        receiver = support.UdpReceiver()
        self.addCleanup(receiver.close)
        real = Client("127.0.0.1", receiver.port)
        self.addCleanup(real.close)
        real.timing("t", 1.5)
        self.assertEqual(real.mock_events, [])
        mock = Client(mock=True)
        self.addCleanup(mock.close)
        self.assertEqual(mock.report(), "taskmeter report unavailable: mock client, there is no agent")


class ReportServer(http.server.BaseHTTPRequestHandler):
    """Answers /report with the query it got; /missing with 404; /slow never."""

    hang = threading.Event()

    def do_GET(self):  # noqa: N802 - the http.server hook name
        if self.path.startswith("/slow"):
            ReportServer.hang.wait(5)
            return
        status = 404 if self.path.startswith("/missing") else 200
        body = ("tasks: %s\n" % urllib.parse.urlsplit(self.path).query if status == 200 else "no such\npage").encode()
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ReportServer)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        ReportServer.hang.set()
        cls.server.shutdown()
        cls.server.server_close()

    def client(self, report_url, **options):
        receiver = support.UdpReceiver()
        self.addCleanup(receiver.close)
        client = Client("127.0.0.1", receiver.port, prefix="app.", report_url=report_url, **options)
        self.addCleanup(client.close)
        return client

    def test_the_report_of_this_clients_tasks(self):
        c = self.client(self.base + "/")
        c.histogram("not_a_task", 1)
        c.timing("predict", 1.5)
        c.timing("predict", 2.5)
        with c.track("a b"):
            pass
        self.assertEqual(c.report(), "tasks: task=app.predict,app.a%20b\n")
        self.assertEqual(c.report(["x", "y"]), "tasks: task=app.x,app.y\n")
        self.assertEqual(self.client(self.base).report(), "tasks: \n")
        defaults = [Client(host=host, mock=True) for host in ("127.0.0.1", "::1")]
        self.assertEqual([d._core.options.report_url for d in defaults], ["http://127.0.0.1:3000", "http://[::1]:3000"])
        for d in defaults:
            d.close()

    def test_failures_are_one_line_reasons(self):
        missing = self.client(self.base + "/missing").report()
        self.assertEqual(missing, "taskmeter report unavailable: GET %s/missing/report answered 404 Not Found: no such page" % self.base)
        slow = self.client(self.base + "/slow", report_timeout_ms=200).report()
        self.assertEqual(slow, "taskmeter report unavailable: GET %s/slow/report failed: no answer within 200 ms" % self.base)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        refused = self.client("http://127.0.0.1:%d" % closed_port).report()
        self.assertRegex(refused, r"^taskmeter report unavailable: GET http://127\.0\.0\.1:\d+/report failed: .*[Rr]efused")
        self.assertNotIn("\n", refused)


if __name__ == "__main__":
    unittest.main()
