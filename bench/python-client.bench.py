"""µs per timing() call of the Python client (clients/python), amortized and batched: each run
times N calls plus the flush that hands the last datagram to the kernel, so deferred send work
counts. Baseline in the same run: StatsD text with one sendto() per call, what a plain Python
StatsD client does by default. A child process drains the datagrams on another core (a thread
would share the GIL with the calls being timed).

Run: python3 bench/python-client.bench.py   (BENCH_CALLS, BENCH_RUNS shrink it for a quick look;
the figure to quote is the default: median of 5 runs of 1 M calls). Prints a table, then a JSON line.
"""
import gc
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "clients", "python"))

from taskmeter import Client  # noqa: E402

CALLS_PER_RUN = int(os.environ.get("BENCH_CALLS", "1000000"))
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "5")))
WARMUP_CALLS = 100000
TASK = "prediction"
FLUSH_INTERVAL_MS = 100

# Counts datagrams and bytes until stdin closes, then prints them.
SINK_SOURCE = r"""
import socket, sys, threading
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
sock.bind(("127.0.0.1", 0))
counts = [0, 0]
def drain():
    while True:
        data = sock.recv(70000)
        counts[0] += 1
        counts[1] += len(data)
threading.Thread(target=drain, daemon=True).start()
print(sock.getsockname()[1], flush=True)
sys.stdin.read()
print(counts[0], counts[1], flush=True)
"""


def latencies(count, seed):
    """Fixed-seed latencies (xorshift32, log-uniform 0.1..1000 ms, 3 decimals), as bench/seeded-random.mjs."""
    out = []
    x = seed & 0xFFFFFFFF
    for _ in range(count):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(round(10 ** ((x / 0x100000000) * 4 - 1) * 1000) / 1000)
    return out


VALUES = latencies(4096, 0x5EED)
VALUE_MASK = len(VALUES) - 1


class StatsdTextBaseline:
    """StatsD text, one sendto() per call: `prediction:12.3|ms`."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.address = ("127.0.0.1", port)

    def timing(self, name, duration_ms):
        try:
            self.sock.sendto(("%s:%s|ms" % (name, duration_ms)).encode(), self.address)
        except OSError:
            pass

    def flush(self):
        pass

    def close(self):
        self.sock.close()


def time_run(client, calls):
    values = VALUES
    mask = VALUE_MASK
    timing = client.timing
    gc.collect()
    start = time.perf_counter()
    for i in range(calls):
        timing(TASK, values[i & mask])
    calls_done = time.perf_counter()
    client.flush()
    end = time.perf_counter()
    return (end - start) / calls * 1e6, (calls_done - start) / calls * 1e6


def main():
    sink = subprocess.Popen([sys.executable, "-c", SINK_SOURCE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(sink.stdout.readline())
    contenders = [
        ("taskmeter (default: 8192 B on loopback)", Client("127.0.0.1", port, buffer_flush_interval=FLUSH_INTERVAL_MS)),
        ("taskmeter (1432 B)", Client("127.0.0.1", port, max_buffer_size=1432, buffer_flush_interval=FLUSH_INTERVAL_MS)),
        ("StatsD text, a sendto() per call", StatsdTextBaseline(port)),
    ]
    totals = {name: [] for name, _ in contenders}
    loops = {name: [] for name, _ in contenders}
    for _, client in contenders:
        time_run(client, WARMUP_CALLS)
    for _ in range(RUNS):
        for name, client in contenders:
            total_us, loop_us = time_run(client, CALLS_PER_RUN)
            totals[name].append(total_us)
            loops[name].append(loop_us)
    stats = contenders[0][1].stats()
    stats_small = contenders[1][1].stats()
    for _, client in contenders:
        client.close()
    sink.stdin.close()
    received = sink.stdout.readline().split()
    sink.wait(timeout=10)

    print("timing() x %s calls, median of %d runs, Python %s (%s)" % (format(CALLS_PER_RUN, ","), RUNS, platform.python_version(), platform.python_implementation()))
    print("%-40s %14s %11s %11s %14s %10s" % ("client", "median µs/call", "min µs", "max µs", "calls only µs", "calls/s"))
    for name, _ in contenders:
        median = statistics.median(totals[name])
        print(
            "%-40s %14.3f %11.3f %11.3f %14.3f %10.2e"
            % (name, median, min(totals[name]), max(totals[name]), statistics.median(loops[name]), 1e6 / median)
        )
    print(
        "taskmeter: %d events in %d datagrams, dropped %s; at 1432 B: %d events in %d datagrams, dropped %s; sink received %s datagrams (%s bytes) from all clients"
        % (stats["sent"], stats["datagrams"], stats["dropped"], stats_small["sent"], stats_small["datagrams"], stats_small["dropped"], received[0], received[1])
    )
    ours = statistics.median(totals[contenders[0][0]])
    ours_small = statistics.median(totals[contenders[1][0]])
    baseline = statistics.median(totals[contenders[2][0]])
    print(
        json.dumps(
            {
                "bench": "python-client",
                "us_per_op": round(ours, 3),
                "ns_per_op": round(ours * 1000, 1),
                "ops_per_s": float("%.3g" % (1e6 / ours)),
                "us_per_op_1432_bytes": round(ours_small, 3),
                "statsd_text_sendto_us_per_op": round(baseline, 3),
                "ratio_vs_statsd_text_sendto": round(baseline / ours, 2),
                "runs_us_per_op": [round(x, 3) for x in totals[contenders[0][0]]],
                "calls_per_run": CALLS_PER_RUN,
                "runs": RUNS,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
