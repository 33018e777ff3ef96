"""Client(mock=True): datagrams are decoded back into events in memory and nothing is sent, so an
app's own tests can assert what it recorded (client.mock_events). Decoding the real encoding means
a mock sees exactly what the agent would, as the TS client's mock mode."""
from __future__ import annotations

from typing import Any, Dict, List

from .wire_decode import decode_datagram


class MockTransport:
    def __init__(self, telemetry: Any) -> None:
        self.events: List[Dict[str, Any]] = []
        self._telemetry = telemetry

    def send(self, datagram: bytes, events: int, reports: int) -> None:
        items, _ = decode_datagram(datagram)
        for item in items:
            # In-flight reports and headers are the transport's bookkeeping, not what the app recorded.
            if item["kind"] not in ("inflight_report", "header", "invalid"):
                self.events.append(item)
        self._telemetry.count_sent(events, reports)

    def close(self) -> None:
        pass
