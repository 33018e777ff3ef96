"""The client's error types. TaskmeterError is raised only by Client() for a bad option (API misuse
at startup); every failure after that is counted in stats() and handed to the optional
error_handler instead: the client never raises into the host app (as the TS client)."""
from __future__ import annotations

from .spec import CLIENT_REASONS, EVENT_REASONS

ERROR_CODES = ("TM_ERR_INVALID_OPTION", "TM_ERR_DROPPED", "TM_ERR_SOCKET")

# Why the client dropped events: the protocol's event reasons (the app passed a bad name, value or
# tag) plus the client-only ones (SPEC.md §5, last paragraph). Same list as the TS client.
DROP_REASONS = EVENT_REASONS + CLIENT_REASONS


class TaskmeterError(Exception):
    """code is one of ERROR_CODES, stable across versions."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TaskmeterDropError(TaskmeterError):
    """Handed to error_handler when event_count events were dropped for reason."""

    def __init__(self, reason: str, event_count: int, message: str) -> None:
        super().__init__("TM_ERR_DROPPED", message)
        self.reason = reason
        self.event_count = event_count
