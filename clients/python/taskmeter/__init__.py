"""taskmeter: send task latencies, counters, gauges and histograms to the taskmeter agent (the
sidecar) over UDP or a unix datagram socket, batched in wire protocol v1 (protocol/SPEC.md).
Standard library only."""
from .client import Client
from .errors import DROP_REASONS, TaskmeterDropError, TaskmeterError
from .statsd_timer import StatsdTimer
from .tag_cache import BARE_TAG_VALUE
from .task_timer import TaskTimer

__all__ = ["Client", "TaskTimer", "StatsdTimer", "TaskmeterError", "TaskmeterDropError", "DROP_REASONS", "BARE_TAG_VALUE"]
__version__ = "0.1.0"
