"""End to end: the real agent (node agent/dist/cli.js, ephemeral ports on 127.0.0.1) and a Python
app using the client. /dashboard shows the app's timings, its failures (completed = success +
error, error_rate), and its in-flight tasks: tasks_active is 3 for the whole second that three
1-second tasks run, then 0. Over --unix-socket, the same client's timings reach /metrics. No fixed
sleeps: every wait polls with a deadline."""
import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import support
from taskmeter import Client

AGENT_CLI = os.environ.get("TASKMETER_AGENT_CLI") or os.path.join(support.REPO_ROOT, "agent", "dist", "cli.js")
LISTENING = re.compile(r'"udp":"[^"]*:(\d+)","http":"[^"]*:(\d+)"')
FLUSH_INTERVAL_MS = 100  # the agent expires a report after 3 x this: room for a busy CI machine
SLOW_TASKS = 3
SLOW_TASK_S = 1.0


def find_node():
    node = os.environ.get("TASKMETER_NODE") or shutil.which("node")
    if node is None:
        raise AssertionError("node was not found on PATH: install Node.js >= 20 (the agent runs on it)")
    if not os.path.isfile(AGENT_CLI):
        raise AssertionError("%s is missing: run `npm ci && npm run build` first (npm test does)" % AGENT_CLI)
    return node


class AgentProcess:
    """The agent CLI as a child process; its ports come from its "listening" log line."""

    def __init__(self, *extra_args):
        self.process = subprocess.Popen(
            [find_node(), AGENT_CLI, "--port", "0", "--udp-port", "0", "--host", "127.0.0.1", *extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.output = []
        self.ports = None
        self.listening = threading.Event()
        threading.Thread(target=self._read_output, daemon=True).start()
        if not self.listening.wait(timeout=15) or self.ports is None:
            self.stop()
            raise AssertionError("the agent exited or did not log its ports within 15 s:\n" + "".join(self.output))
        self.udp_port, self.http_port = self.ports

    def _read_output(self):
        for line in self.process.stdout:
            self.output.append(line)
            match = LISTENING.search(line)
            if match is not None and self.ports is None:
                self.ports = (int(match.group(1)), int(match.group(2)))
                self.listening.set()
        self.listening.set()  # exited: the waiter sees ports is None

    def get(self, path):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.http_port, path), timeout=5) as response:
            return response.read().decode()

    def dashboard(self):
        return json.loads(self.get("/dashboard"))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process.stdout.close()


def task_figure(dashboard, name, field):
    task = dashboard["tasks"].get(name)
    return None if task is None else task[field]


class AgentEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = AgentProcess()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def setUp(self):
        self.client = Client("127.0.0.1", self.agent.udp_port, prefix="pyapp.", buffer_flush_interval=FLUSH_INTERVAL_MS)
        self.addCleanup(self.client.close)

    def wait_for_dashboard(self, what, predicate, timeout_s=10.0):
        def probe():
            dashboard = self.agent.dashboard()
            return dashboard if predicate(dashboard) else None

        return support.wait_for(what, probe, timeout_s, interval_s=0.02)

    def test_timings_failures_counters_and_latency(self):
        client = self.client
        for i in range(100):
            client.timing("predict", 10 + i * 0.1)

        @client.track("checkout")
        async def checkout(i):
            await asyncio.sleep(0)
            if i % 4 == 0:
                raise ValueError("card declined")
            return i

        async def app():
            return await asyncio.gather(*(checkout(i) for i in range(40)), return_exceptions=True)

        results = asyncio.run(app())
        self.assertEqual(sum(isinstance(r, ValueError) for r in results), 10)
        client.increment("jobs", 5)
        client.gauge("queue_depth", 17, {"region": "eu"})
        client.histogram("batch_size", 64)
        client.flush()

        dashboard = self.wait_for_dashboard(
            "100 predictions and 40 checkouts",
            lambda d: task_figure(d, "pyapp.predict", "completed") == 100 and task_figure(d, "pyapp.checkout", "completed") == 40,
        )
        predict = dashboard["tasks"]["pyapp.predict"]
        self.assertEqual((predict["failed"], predict["success"]), (0, 100))
        # 10.0 .. 19.9 ms: p50 about 15 ms within the HDR precision (2 significant digits).
        self.assertLess(abs(predict["latency_ms"]["p50"] - 14.95), 0.3)
        self.assertAlmostEqual(predict["sum_ms"], sum(10 + i * 0.1 for i in range(100)), places=6)
        checkout_task = dashboard["tasks"]["pyapp.checkout"]
        self.assertEqual((checkout_task["success"], checkout_task["failed"], checkout_task["active"]), (30, 10, 0))
        self.assertAlmostEqual(checkout_task["error_rate"], 0.25)
        self.wait_for_dashboard("the counter, gauge and histogram", lambda d: d["counters"].get("pyapp.jobs") == 5 and "pyapp.batch_size" in d["histograms"])
        self.assertEqual(self.client.stats()["dropped"], {})
        metrics = self.agent.get("/metrics")
        invalid = [line for line in metrics.splitlines() if line.startswith("taskmeter_") and "invalid_total{" in line and not line.endswith(" 0")]
        self.assertEqual(invalid, [], "the agent rejected nothing the Python client sent")

    def test_tasks_active_while_one_second_tasks_run_then_zero(self):
        client = self.client
        done = threading.Event()
        durations = []

        @client.track("slow")
        async def slow():
            started = time.monotonic()
            await asyncio.sleep(SLOW_TASK_S)  # the work being measured, not a wait for a condition
            durations.append(time.monotonic() - started)

        def app():
            async def run_all():
                await asyncio.gather(*(slow() for _ in range(SLOW_TASKS)))

            asyncio.run(run_all())
            done.set()

        started = time.monotonic()
        worker = threading.Thread(target=app)
        worker.start()
        self.addCleanup(worker.join, 5)
        self.wait_for_dashboard("the first in-flight report", lambda d: task_figure(d, "pyapp.slow", "active") == SLOW_TASKS, timeout_s=SLOW_TASK_S * 0.8)
        readings = []
        pace = threading.Event()  # never set: wait() paces the readings at 50 ms
        for _ in range(100):
            if time.monotonic() - started >= SLOW_TASK_S * 0.9 or done.is_set():
                break
            dashboard = self.agent.dashboard()
            readings.append((task_figure(dashboard, "pyapp.slow", "active"), dashboard["active_tasks"]))
            pace.wait(0.05)
        self.assertGreater(len(readings), 5)
        self.assertEqual(set(readings), {(SLOW_TASKS, SLOW_TASKS)}, "tasks_active stayed at 3 for the whole second")

        self.assertTrue(done.wait(timeout=10))
        dashboard = self.wait_for_dashboard("tasks_active back to 0", lambda d: task_figure(d, "pyapp.slow", "active") == 0 and task_figure(d, "pyapp.slow", "completed") == SLOW_TASKS, timeout_s=5)
        self.assertEqual(dashboard["active_tasks"], 0)
        self.assertEqual(dashboard["tasks"]["pyapp.slow"]["failed"], 0)
        self.assertGreaterEqual(dashboard["tasks"]["pyapp.slow"]["latency_ms"]["max"], SLOW_TASK_S * 1000 * 0.99)
        metrics = self.agent.get("/metrics")
        self.assertRegex(metrics, r'(?m)^tasks_active\{task="pyapp\.slow"\} 0$')
        self.assertEqual(len(durations), SLOW_TASKS)


class UnixSocketEndToEndTest(unittest.TestCase):
    """The agent listening on a unix datagram socket too (--unix-socket), as in a pod whose
    containers share a volume: the client's datagrams over it show on /metrics."""

    def setUp(self):
        directory = tempfile.mkdtemp(prefix="tm-e2e-")  # under /tmp: far below sun_path's 107 bytes
        self.addCleanup(shutil.rmtree, directory, True)
        self.path = os.path.join(directory, "agent.sock")
        self.agent = AgentProcess("--unix-socket", self.path)
        self.addCleanup(self.agent.stop)

    def test_timings_over_the_unix_socket_show_on_metrics(self):
        support.wait_for("the agent's socket file", lambda: True if os.path.exists(self.path) else None, 10.0)
        client = Client(unix_socket=self.path, prefix="pyuds.", buffer_flush_interval=FLUSH_INTERVAL_MS)
        self.addCleanup(client.close)
        for i in range(20):
            client.timing("predict", 5 + i * 0.5)
        client.flush()
        completed = re.compile(r'(?m)^tasks_completed_total\{task="pyuds\.predict"\} 20$')
        support.wait_for("pyuds.predict on /metrics", lambda: completed.search(self.agent.get("/metrics")), 10.0, interval_s=0.02)
        self.assertEqual(client.stats()["dropped"], {})
        self.assertEqual(client.stats()["sent"], 20)


if __name__ == "__main__":
    unittest.main()
