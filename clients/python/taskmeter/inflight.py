"""Per-task in-flight counts for track/start_timer, reported as absolute numbers (SPEC.md §3.1)
instead of task_start events: the agent sums the latest report of each live client, so a task
running for minutes stays active and a client that dies stops counting within 3 x its flush
interval. Not thread-safe by itself: ClientCore calls it under its lock."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

# A task is listed with 0 in this many reports after its count drops to zero (SPEC.md §3.1:
# "three is enough, given the expiry"), then forgotten.
ZERO_REPORTS = 3
# Distinct task names tracked at once. Names are app input; past this, new names are not counted
# as in flight (their end events are still sent).
MAX_TRACKED_TASKS = 10000


class InflightTask:
    __slots__ = ("name_bytes", "count", "zero_reports_left")

    def __init__(self, name_bytes: bytes) -> None:
        self.name_bytes = name_bytes
        self.count = 0
        self.zero_reports_left = ZERO_REPORTS


class InflightTracker:
    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: Dict[str, InflightTask] = {}

    def has_entries(self) -> bool:
        """True while a report is due: a task in flight, or one still owed zero reports."""
        return bool(self._tasks)

    def inflight_count(self, full_name: str) -> int:
        task = self._tasks.get(full_name)
        return 0 if task is None else task.count

    def start(self, full_name: str, name_bytes: bytes) -> Optional[InflightTask]:
        """One more full_name in flight; None when the tracking cap is reached."""
        task = self._tasks.get(full_name)
        if task is None:
            if len(self._tasks) >= MAX_TRACKED_TASKS:
                return None
            task = InflightTask(name_bytes)
            self._tasks[full_name] = task
        task.count += 1
        task.zero_reports_left = ZERO_REPORTS
        return task

    @staticmethod
    def end(task: InflightTask) -> None:
        if task.count > 0:
            task.count -= 1

    def prepare_report(self) -> Tuple[List[bytes], List[int]]:
        """(names, counts) of every listed task; forgets tasks owed no more zero reports."""
        names = []
        counts = []
        done = []
        for full_name, task in self._tasks.items():
            names.append(task.name_bytes)
            counts.append(task.count)
            if task.count == 0:
                task.zero_reports_left -= 1
                if task.zero_reports_left <= 0:
                    done.append(full_name)
        for full_name in done:
            del self._tasks[full_name]
        return names, counts

    def prepare_final_report(self) -> Tuple[List[bytes], List[int]]:
        """The last report of a closing client: every task at 0, since it can report no more ends."""
        names = [task.name_bytes for task in self._tasks.values()]
        self._tasks.clear()
        return names, [0] * len(names)

    def clear(self) -> None:
        self._tasks.clear()
