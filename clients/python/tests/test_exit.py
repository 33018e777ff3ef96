"""A separate Python process that neither flushes nor closes: at interpreter exit the client sends
what it buffered and reports its in-flight tasks at 0, and its flush thread (a daemon) does not
keep the process alive."""
import os
import subprocess
import sys
import time
import unittest

import support
from support import events_only, reports_only

APP = r"""
import sys
sys.path.insert(0, sys.argv[1])
from taskmeter import Client
client = Client(buffer_flush_interval=60000)
for i in range(5):
    client.timing("exit.work", i + 0.5)
client.start_timer("exit.never_ended")
"""


class ExitTest(unittest.TestCase):
    def test_buffered_events_go_out_at_exit_and_the_process_ends(self):
        receiver = support.UdpReceiver()
        self.addCleanup(receiver.close)
        env = dict(os.environ, TASKMETER_HOST="127.0.0.1", TASKMETER_PORT=str(receiver.port))
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-c", APP, support.PYTHON_CLIENT_DIR], env=env, capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(time.monotonic() - started, 10, "the flush thread must not keep the process alive")
        items = receiver.wait_for_items("the events sent at exit", lambda items: len(items) >= 6)
        self.assertEqual([e["value"] for e in events_only(items)], [0.5, 1.5, 2.5, 3.5, 4.5])
        self.assertEqual([r["inflight"] for r in reports_only(items)], [{"exit.never_ended": 0}])


if __name__ == "__main__":
    unittest.main()
