"""Shared test support: puts the package on sys.path (the tests run from the repo root with
`python3 -m unittest discover -s clients/python/tests`), finds the golden vectors, and gives real
UDP (127.0.0.1) and unix datagram receivers plus an injectable clock and random source. No fixed
sleeps: receivers and pollers wait for a condition with a deadline."""
import json
import logging
import os
import socket
import sys
import time
import unittest

PYTHON_CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(os.path.dirname(PYTHON_CLIENT_DIR))
VECTORS_DIR = os.path.join(REPO_ROOT, "protocol", "vectors")
VECTOR_FILES = ("valid.json", "noncanonical.json", "invalid-datagram.json", "invalid-event.json")

if PYTHON_CLIENT_DIR not in sys.path:
    sys.path.insert(0, PYTHON_CLIENT_DIR)

from taskmeter import Client  # noqa: E402
from taskmeter.wire_decode import events_of  # noqa: E402

# Clients without an error_handler log their first failure; the tests that check it attach their
# own handler. Without this the never-raises tests would print warnings between test names.
logging.getLogger("taskmeter").addHandler(logging.NullHandler())

# A bound on one drain() loop; far above what any test sends between two drains.
MAX_DATAGRAMS_PER_DRAIN = 100000


def load_vectors(file_name):
    with open(os.path.join(VECTORS_DIR, file_name), encoding="utf-8") as f:
        return json.load(f)


def wait_for(what, probe, timeout_s=5.0, interval_s=0.005):
    """Polls probe() until it returns something other than None, or fails after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout_s, what))
        time.sleep(interval_s)


class DatagramReceiver:
    """A real datagram socket (bound by the subclass) that collects what arrives."""

    def __init__(self, sock):
        self.sock = sock
        self.datagrams = []

    def drain(self, timeout_s=0.0):
        """Collects what has arrived, waiting up to timeout_s for the first datagram."""
        for attempt in range(MAX_DATAGRAMS_PER_DRAIN):
            if attempt == 0 and timeout_s > 0:
                self.sock.settimeout(timeout_s)
            else:
                self.sock.setblocking(False)
            try:
                self.datagrams.append(self.sock.recv(70000))
            except (BlockingIOError, socket.timeout):
                break
        return self.datagrams

    def wait_for_items(self, what, predicate, timeout_s=5.0):
        """Waits until predicate(items of every datagram so far) is true; returns the items."""

        def probe():
            self.drain(0.01)
            items = events_of(self.datagrams)
            return items if predicate(items) else None

        return wait_for(what, probe, timeout_s, interval_s=0.0)

    def items(self):
        return events_of(self.drain())

    def close(self):
        self.sock.close()


class UdpReceiver(DatagramReceiver):
    """A real UDP socket on 127.0.0.1:0."""

    def __init__(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
        sock.bind(("127.0.0.1", 0))
        super().__init__(sock)
        self.port = sock.getsockname()[1]


class UnixReceiver(DatagramReceiver):
    """A real unix datagram socket bound at path (the socket file the agent would create).
    close() leaves the file behind, as a crashed agent does; unlink() removes it."""

    def __init__(self, path):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        super().__init__(sock)
        self.path = path

    def unlink(self):
        if os.path.exists(self.path):
            os.unlink(self.path)


class FakeClock:
    """An injectable clock_ms: time moves only when a test says so."""

    def __init__(self, now_ms=1000.0):
        self.now_ms = now_ms

    def __call__(self):
        return self.now_ms


class FixedRandom:
    """An injectable random(): returns the given values in turn, then the last one forever."""

    def __init__(self, *values):
        self.values = list(values)

    def __call__(self):
        return self.values.pop(0) if len(self.values) > 1 else self.values[0]


def events_only(items):
    return [item for item in items if item["kind"] != "inflight_report"]


def reports_only(items):
    return [item for item in items if item["kind"] == "inflight_report"]


def shapes(client):
    """A mock client's events as (kind, name, value, sampleRate, tags) tuples."""
    return [(e["kind"], e["name"], e["value"], e["sampleRate"], e["tags"]) for e in client.mock_events]


def mock_client(test, **options):
    """A Client(mock=True) closed after the test."""
    client = Client(mock=True, **options)
    test.addCleanup(client.close)
    return client


class ReceiverTestCase(unittest.TestCase):
    """A test with a real UDP receiver and clients that send to it, all closed after the test.
    client_defaults are the options every client() of the test class gets unless given."""

    client_defaults = {}

    def setUp(self):
        self.receiver = UdpReceiver()
        self.addCleanup(self.receiver.close)

    def client(self, **options):
        for key, value in self.client_defaults.items():
            options.setdefault(key, value)
        client = Client("127.0.0.1", self.receiver.port, **options)
        self.addCleanup(client.close)
        return client
