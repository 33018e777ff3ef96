"""Exemplars from the Python client (SPEC.md §3.4) over a real UDP socket, decoded by the tests'
SPEC-based decoder: with_trace()'s ids with timing, task ends and histograms; bad ids counted as
bad_exemplar, never raised; exemplars=False and TASKMETER_EXEMPLARS=0 send none; an interpreter
without opentelemetry-api sends the plain bytes; the real agent shows the ids in /dashboard. The
active-span pickup runs against a small stand-in `opentelemetry.trace` module written to a
temporary folder: the real opentelemetry-api is not installable on the machines this suite runs
on (no Debian package of it)."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

import support
from taskmeter import Client, active_span

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"
WANT = {"traceId": TRACE, "spanId": SPAN}

# The stand-in: get_current_span() returns the span a test set, or an invalid one, the way the
# OpenTelemetry API answers outside any span (is_valid False, ids 0).
FAKE_TRACE_MODULE = '''
class SpanContext:
    def __init__(self, trace_id, span_id, trace_flags):
        self.trace_id, self.span_id, self.trace_flags = trace_id, span_id, trace_flags
        self.is_valid = trace_id != 0 and span_id != 0

class Span:
    def __init__(self, context):
        self._context = context
    def get_span_context(self):
        return self._context

INVALID_SPAN = Span(SpanContext(0, 0, 0))
current = INVALID_SPAN

def get_current_span():
    return current
'''


class ExemplarTestCase(support.ReceiverTestCase):
    def received(self, client, count):
        client.flush()
        items = self.receiver.wait_for_items("%d events" % count, lambda items: len(support.events_only(items)) >= count)
        self.assertEqual([item for item in items if item["kind"] == "invalid"], [])
        return support.events_only(items)


class WithTraceTest(ExemplarTestCase):
    def test_the_ids_go_with_timing_task_ends_and_histograms(self):
        client = self.client(sequence=False)
        traced = client.with_trace(trace_id=TRACE, span_id=SPAN)
        traced.timing("x", 12.5)
        traced.timing("x", 13, {"a": "b"})
        traced.histogram("size", 64.25)
        with traced.track("job"):
            pass
        traced.start_timer("db").end(status="error")
        traced.increment("not.traced")
        client.timing("plain", 1.5)
        traced.child(prefix="kid.").timing("y", 2.5)
        events = self.received(client, 8)
        self.assertEqual(
            [(e["kind"], e["name"], e.get("exemplar")) for e in events],
            [
                ("timing", "x", WANT),
                ("timing", "x", WANT),
                ("histogram", "size", WANT),
                ("task_end_success", "job", WANT),
                ("task_end_error", "db", WANT),
                ("count", "not.traced", None),
                ("timing", "plain", None),
                ("timing", "kid.y", WANT),
            ],
        )
        self.assertEqual(client.stats()["dropped"], {})

    def test_bad_ids_are_counted_and_the_events_go_without(self):
        errors = []
        client = self.client(sequence=False, error_handler=errors.append)
        bad = [
            (TRACE.upper(), SPAN),
            (TRACE, SPAN + "0"),
            ("0" * 32, SPAN),
            (TRACE, "0" * 16),
            (TRACE[:31] + "g", SPAN),
            (TRACE[:30] + " 3", SPAN),
            (int(TRACE, 16), SPAN),
            (None, None),
        ]
        for trace_id, span_id in bad:
            client.with_trace(trace_id=trace_id, span_id=span_id).timing("x", 1.5)
        events = self.received(client, len(bad))
        self.assertEqual([e.get("exemplar") for e in events], [None] * len(bad))
        self.assertEqual(client.stats()["dropped"], {"bad_exemplar": len(bad)})
        self.assertIn("with_trace() takes", str(errors[0]))

    def test_exemplars_off_sends_none(self):
        off = self.client(sequence=False, exemplars=False)
        off_by_env = self.client(sequence=False, env={"TASKMETER_EXEMPLARS": "0"})
        off.with_trace(trace_id=TRACE, span_id=SPAN).timing("x", 1.5)
        off_by_env.with_trace(trace_id=TRACE, span_id=SPAN).timing("x", 2.5)
        off_by_env.flush()
        events = self.received(off, 2)
        self.assertEqual([e.get("exemplar") for e in events], [None, None])
        with self.assertRaisesRegex(Exception, "TASKMETER_EXEMPLARS must be 0 or 1"):
            Client("127.0.0.1", self.receiver.port, env={"TASKMETER_EXEMPLARS": "yes"})


class ActiveSpanTest(ExemplarTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.mkdtemp()
        os.makedirs(os.path.join(folder, "opentelemetry"))
        with open(os.path.join(folder, "opentelemetry", "__init__.py"), "w") as f:
            f.write("")
        with open(os.path.join(folder, "opentelemetry", "trace.py"), "w") as f:
            f.write(FAKE_TRACE_MODULE)
        sys.path.insert(0, folder)
        active_span._trace_api = active_span._NOT_LOOKED_UP
        self.addCleanup(self.forget, folder)
        self.otel = active_span.load_otel_trace()
        self.assertIsNotNone(self.otel, "the stand-in module imports")

    def forget(self, folder):
        sys.path.remove(folder)
        for name in ("opentelemetry.trace", "opentelemetry"):
            sys.modules.pop(name, None)
        active_span._trace_api = active_span._NOT_LOOKED_UP

    def enter(self, trace_id, span_id, flags):
        self.otel.current = self.otel.Span(self.otel.SpanContext(trace_id, span_id, flags))

    def test_the_sampled_active_span_goes_with_timings_and_task_ends_only(self):
        client = self.client(sequence=False)
        client.timing("outside", 1.5)
        self.enter(int(TRACE, 16), int(SPAN, 16), 1)
        client.timing("inside", 2.5)
        client.timing("inside", 3.5)
        with client.track("job"):
            pass
        client.histogram("h", 1)
        client.increment("c")
        self.enter(int(TRACE, 16), int(SPAN, 16), 0)
        client.timing("unsampled", 4.5)
        self.otel.current = self.otel.INVALID_SPAN
        client.timing("after", 5.5)
        events = self.received(client, 8)
        self.assertEqual(
            [(e["name"], e.get("exemplar")) for e in events],
            [("outside", None), ("inside", WANT), ("inside", WANT), ("job", WANT), ("h", None), ("c", None), ("unsampled", None), ("after", None)],
        )

    def test_with_trace_wins_over_the_span_and_exemplars_off_ignores_it(self):
        self.enter(int(TRACE, 16), int(SPAN, 16), 1)
        other = "0af7651916cd43dd8448eb211c80319c"
        client = self.client(sequence=False)
        client.with_trace(trace_id=other, span_id=SPAN).timing("x", 1.5)
        off = self.client(sequence=False, exemplars=False)
        off.timing("y", 1.5)
        off.flush()
        events = self.received(client, 2)
        by_name = {e["name"]: e.get("exemplar") for e in events}
        self.assertEqual(by_name, {"x": {"traceId": other, "spanId": SPAN}, "y": None})

    def test_a_span_that_breaks_is_no_span(self):
        self.enter(2**130, int(SPAN, 16), 1)  # too large for 16 bytes
        client = self.client(sequence=False)
        client.timing("x", 1.5)
        self.otel.current = None  # get_span_context on None raises inside the client
        client.timing("y", 1.5)
        events = self.received(client, 2)
        self.assertEqual([e.get("exemplar") for e in events], [None, None])
        self.assertEqual(client.stats()["dropped"], {})


class WithoutOpenTelemetryTest(ExemplarTestCase):
    def test_an_interpreter_without_the_api_sends_the_plain_bytes(self):
        # -S: no site-packages, so no opentelemetry whatever this machine has installed.
        script = textwrap.dedent(
            """
            import sys
            sys.path.insert(0, %r)
            try:
                import opentelemetry  # noqa: F401
                found = "found"
            except ImportError:
                found = "absent"
            from taskmeter import Client
            client = Client("127.0.0.1", %d, client_id="same")
            client.timing("x", 12.5)
            client.histogram("h", 3)
            client.close()
            print(found, client.stats()["dropped"])
            """
            % (support.PYTHON_CLIENT_DIR, self.receiver.port)
        )
        run = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.strip(), "absent {}")
        self.receiver.wait_for_items("the app's 2 events", lambda items: len(items) >= 2)
        from_app = b"".join(self.receiver.datagrams)
        self.receiver.datagrams.clear()
        client = self.client(client_id="same")
        client.timing("x", 12.5)
        client.histogram("h", 3)
        client.close()
        self.receiver.wait_for_items("the same 2 events", lambda items: len(items) >= 2)
        self.assertEqual(b"".join(self.receiver.datagrams).hex(), from_app.hex())


if __name__ == "__main__":
    unittest.main()


class AgentExemplarTest(unittest.TestCase):
    """The real agent shows with_trace()'s ids as the task's exemplar in /dashboard."""

    def test_the_agent_keeps_the_exemplar_of_the_slow_request(self):
        from test_e2e_agent import AgentProcess, task_figure

        agent = AgentProcess()
        self.addCleanup(agent.stop)
        client = Client("127.0.0.1", agent.udp_port, prefix="pyapp.")
        self.addCleanup(client.close)
        for i in range(20):
            client.timing("checkout", 5 + i * 0.1)
        client.with_trace(trace_id=TRACE, span_id=SPAN).timing("checkout", 900.5)
        client.flush()

        def exemplar():
            found = task_figure(agent.dashboard(), "pyapp.checkout", "exemplar")
            return found or None

        shown = support.wait_for("the checkout exemplar in /dashboard", exemplar, 10.0)
        self.assertEqual((shown["trace_id"], shown["span_id"], shown["value_ms"]), (TRACE, SPAN, 900.5))
        self.assertEqual(client.stats()["dropped"], {})
