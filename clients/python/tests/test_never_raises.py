"""The client never raises into the app, as the TS client never throws: bad names, values, tags and
rates, garbage of every type, a closed client, a dead agent, a failing DNS lookup and a throwing
error_handler are dropped and counted by reason in stats(), and reported to error_handler or to
one logging warning. A bad option at construction is the one TaskmeterError, by design."""
import logging
import math
import random
import socket
import unittest
from datetime import timedelta
from unittest import mock

import support
from taskmeter import DROP_REASONS, Client, TaskmeterDropError, TaskmeterError


class Unhashable:
    __hash__ = None


class Hostile:
    """An object whose every protocol method raises."""

    def __float__(self):
        raise RuntimeError("float")

    def __str__(self):
        raise RuntimeError("str")

    def __eq__(self, other):
        raise RuntimeError("eq")

    def __hash__(self):
        raise RuntimeError("hash")

    def items(self):
        raise RuntimeError("items")


class HostileRepr:
    """Callable, with a __repr__ and attributes that raise: as a decorated function, a name or a rate."""

    def __repr__(self):
        raise RuntimeError("repr")

    def __call__(self):
        return None

    def __getattr__(self, name):
        raise RuntimeError(name)


class HostileMapping(dict):
    def items(self):
        raise RuntimeError("items")


GARBAGE = (
    None, True, 0, -1, 1.5, -0.0, math.nan, math.inf, -math.inf, 10**400, -(10**400), 2**64, "", "x", "y" * 300,
    "\ud800", b"bytes", [], [1], {}, {"k": "v"}, {"k": 1}, {1: "v"}, {"": "v"}, {"k" * 65: "v"},
    {"k%d" % i: "v" for i in range(17)}, HostileMapping(a="b"), (1, 2), Unhashable(), Hostile(), object(), len, float,
    ["k:v", "bare"], [":v"], ("a:b",), timedelta(milliseconds=-1), timedelta(days=1), HostileRepr(),
)


class NeverRaisesTest(unittest.TestCase):
    def setUp(self):
        self.receiver = support.UdpReceiver()
        self.addCleanup(self.receiver.close)
        self.errors = []
        self.client = Client("127.0.0.1", self.receiver.port, buffer_flush_interval=5, error_handler=self.errors.append)
        self.addCleanup(self.client.close)

    def test_each_bad_input_is_dropped_with_its_spec_reason(self):
        c = self.client
        cases = [
            (lambda: c.timing("", 1), "bad_name"),
            (lambda: c.timing(None, 1), "bad_name"),
            (lambda: c.timing(["x"], 1), "bad_name"),
            (lambda: c.timing("n" * 201, 1), "name_too_long"),
            (lambda: c.timing("x", "1"), "bad_value"),
            (lambda: c.timing("x", None), "bad_value"),
            (lambda: c.timing("x", True), "bad_value"),
            (lambda: c.timing("x", math.nan), "non_finite_value"),
            (lambda: c.gauge("x", -math.inf), "non_finite_value"),
            (lambda: c.gauge("x", 10**400), "non_finite_value"),
            (lambda: c.timing("x", -1), "negative_duration"),
            (lambda: c.timing("x", -0.001), "negative_duration"),
            (lambda: c.gauge("x", 1, {"k": 1}), "bad_tags"),
            (lambda: c.gauge("x", 1, ["k:v", 5]), "bad_tags"),
            (lambda: c.gauge("x", 1, [":v"]), "bad_tags"),
            (lambda: c.gauge("x", 1, {"": "v"}), "bad_tags"),
            (lambda: c.gauge("x", 1, {"k%d" % i: "v" for i in range(17)}), "bad_tags"),
            (lambda: c.gauge("x", 1, {"k" * 65: "v"}), "tag_too_long"),
            (lambda: c.gauge("x", 1, {"k": "v" * 201}), "tag_too_long"),
            (lambda: c.increment("x", 1, 1.5), "bad_sample_rate"),
            (lambda: c.start_timer(""), "bad_name"),
            (lambda: c.track("x", {"k": None}).__enter__(), "bad_tags"),
            (lambda: c.child(prefix=5).timing("x", 1), "bad_name"),
            (lambda: c.child(prefix="p" * 200).timing("x", 1), "name_too_long"),
            (lambda: c.child(tags={"k": 1}).timing("x", 1), "bad_tags"),
        ]
        for call, reason in cases:
            with self.subTest(reason=reason):
                before = c.stats()["dropped"].get(reason, 0)
                call()
                self.assertEqual(c.stats()["dropped"].get(reason, 0), before + 1)
                self.assertIsInstance(self.errors[-1], TaskmeterDropError)
                self.assertEqual((self.errors[-1].reason, self.errors[-1].code), (reason, "TM_ERR_DROPPED"))
        self.assertEqual(c.stats()["pending"], 0)

    def test_garbage_arguments_to_every_call_never_raise(self):
        rng = random.Random(11)
        c = self.client
        calls = (
            lambda a, b, t: c.timing(a, b, t),
            lambda a, b, t: c.increment(a, b, t, t),
            lambda a, b, t: c.decrement(a, b, b, t),
            lambda a, b, t: c.gauge(a, b, t),
            lambda a, b, t: c.gauge_delta(a, b, t),
            lambda a, b, t: c.histogram(a, b, t),
            lambda a, b, t: c.set(a, b, t, t),
            lambda a, b, t: c.set(a, b, b, rate=t),
            lambda a, b, t: c.start_timer(a, t).end(b, t),
            lambda a, b, t: c.start_timer(a, t).end(tags=t),
            lambda a, b, t: c.track(a, t)(b),
            lambda a, b, t: c.track(a, t)(lambda: None)(),
            lambda a, b, t: c.track(a, t).__exit__(None, None, None),
            lambda a, b, t: c.child(a, t).timing("x", b),
            lambda a, b, t: c.child(b, a).increment(a),
            lambda a, b, t: c.incr(a, b, t),
            lambda a, b, t: c.decr(a, b, t, t),
            lambda a, b, t: c.distribution(a, b, t, t),
            lambda a, b, t: c.gauge(a, b, t, b, delta=t),
            lambda a, b, t: c.timing(a, b, t, t, rate=b),
            lambda a, b, t: c.timer(a, t)(b),
            lambda a, b, t: c.timer(a, b, t)(lambda: None)(),
            lambda a, b, t: c.timer(a, t).__exit__(None, None, None),
            lambda a, b, t: c.timer(a, b).start().stop(send=t),
            # A callable first is timed's bare-decorator form: it would call len() or float() itself.
            lambda a, b, t: c.timed(None if callable(a) else a, t, b, b)(lambda: None)(),
            lambda a, b, t: c.timed(None if callable(a) else a, t).__enter__().send(),
        )
        for _ in range(5000):
            call = rng.choice(calls)
            call(rng.choice(GARBAGE), rng.choice(GARBAGE), rng.choice(GARBAGE))
        stats = c.stats()
        self.assertGreater(sum(stats["dropped"].values()), 1000)
        self.assertTrue(set(stats["dropped"]) <= set(DROP_REASONS))
        c.flush()
        # Whatever got through is valid on the wire.
        self.receiver.wait_for_items("the flush", lambda items: all(i["kind"] != "invalid" for i in items))

    def test_a_closed_client_counts_every_call(self):
        self.client.close()
        self.client.timing("x", 1)
        self.client.increment("x")
        with self.client.track("x"):
            pass
        self.client.flush()
        self.client.close()
        self.assertEqual(self.client.stats()["dropped"], {"closed": 3})

    def test_a_throwing_error_handler_does_not_escape(self):
        def handler(error):
            raise RuntimeError("the app's handler is broken")

        client = Client("127.0.0.1", self.receiver.port, error_handler=handler)
        self.addCleanup(client.close)
        client.timing("", 1)
        self.assertEqual(client.stats()["dropped"], {"bad_name": 1})

    def test_a_handler_calling_the_client_back_does_not_deadlock(self):
        seen = []

        def handler(error):
            seen.append(error.reason)
            client.increment("failures")  # re-enters the client, possibly from the flush thread

        with mock.patch("socket.socket.send", side_effect=OSError("no buffer space")):
            client = Client("127.0.0.1", self.receiver.port, buffer_flush_interval=5, error_handler=handler)
            client.timing("x", 1.5)
            support.wait_for("a send failure from the flush thread", lambda: True if "send_failed" in seen else None)
            client.close()
        self.assertGreaterEqual(client.stats()["dropped"]["send_failed"], 1)

    def test_without_a_handler_one_warning_then_silence(self):
        records = []
        handler = logging.Handler()
        handler.emit = records.append
        logger = logging.getLogger("taskmeter")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        client = Client("127.0.0.1", self.receiver.port)
        self.addCleanup(client.close)
        for _ in range(3):
            client.timing("", 1)
        self.assertEqual(len(records), 1)
        self.assertIn("bad_name", records[0].getMessage())
        self.assertEqual(client.stats()["dropped"], {"bad_name": 3})

    def test_a_dead_agent_is_counted_not_raised(self):
        dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dead.bind(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        dead.close()  # nothing listens there now: the kernel answers ICMP port unreachable
        client = Client("127.0.0.1", port, error_handler=self.errors.append)
        self.addCleanup(client.close)

        def send_and_check():
            client.timing("x", 1.5)
            client.flush()
            return True if client.stats()["socket_errors"] > 0 else None

        support.wait_for("the refused datagram to be reported", send_and_check)
        self.assertTrue(any(getattr(e, "code", None) == "TM_ERR_SOCKET" for e in self.errors))

    def test_a_failing_dns_lookup_is_counted_and_retried(self):
        # getaddrinfo is patched: the test sends no DNS query off the machine.
        with mock.patch("socket.getaddrinfo", side_effect=socket.gaierror(-2, "Name or service not known")):
            client = Client("agent.invalid", 8125, error_handler=self.errors.append)
            client.timing("x", 1.5)
            client.flush()
        self.addCleanup(client.close)
        stats = client.stats()
        self.assertEqual(stats["dropped"], {"send_failed": 1})
        self.assertEqual(stats["socket_errors"], 1, "the retry waits RETRY_CONNECT_MS, so the flush did not look up again")

    def test_bad_options_raise_taskmeter_error_at_construction(self):
        cases = [
            {"port": 0},
            {"port": "8125"},
            {"host": ""},
            {"prefix": "p" * 200},
            {"prefix": None},
            {"tags": "a:b"},
            {"tags": ["a", 1]},
            {"tags": {"k": 1}},
            {"tags": {"a": "b"}, "global_tags": {"c": "d"}},
            {"max_buffer_size": 63},
            {"max_buffer_size": 65508},
            {"buffer_flush_interval": 0},
            {"buffer_flush_interval": 60001},
            {"sample_rate": 0},
            {"error_handler": "print"},
            {"env": {"TASKMETER_PORT": "http"}},
        ]
        for options in cases:
            with self.subTest(options=options):
                with self.assertRaises(TaskmeterError) as raised:
                    Client(**options)
                self.assertEqual(raised.exception.code, "TM_ERR_INVALID_OPTION")

    def test_environment_fallbacks(self):
        client = Client(env={"TASKMETER_HOST": "127.0.0.1", "TASKMETER_PORT": str(self.receiver.port)})
        self.addCleanup(client.close)
        self.assertEqual((client._core.options.port, client._core.options.max_datagram_bytes), (self.receiver.port, 8192))
        client.timing("from-env", 2.5)
        client.flush()
        self.assertEqual(self.receiver.wait_for_items("the event", lambda items: len(items) == 1)[0]["name"], "from-env")


if __name__ == "__main__":
    unittest.main()
