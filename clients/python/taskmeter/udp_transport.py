"""One connected, non-blocking UDP socket to the agent. Connecting resolves the host once (DNS is
not looked up per send); a failed resolution is retried at most once per RETRY_CONNECT_MS. A send
never blocks the app: a full socket buffer drops the datagram and counts it (send_failed)."""
from __future__ import annotations

import socket
from typing import Any, Callable, Optional

# How long a failed connect (DNS failure, no route) waits before the next attempt.
RETRY_CONNECT_MS = 1000


class UdpTransport:
    def __init__(self, host: str, port: int, telemetry: Any, clock_ms: Callable[[], float]) -> None:
        self._host = host
        self._port = port
        self._telemetry = telemetry
        self._clock_ms = clock_ms
        self._sock: Optional[socket.socket] = None
        self._retry_at_ms = 0.0
        self._closed = False
        self._connect()

    def _connect(self) -> Optional[socket.socket]:
        if self._closed or self._clock_ms() < self._retry_at_ms:
            return None
        try:
            family, kind, proto, _, address = socket.getaddrinfo(self._host, self._port, 0, socket.SOCK_DGRAM)[0]
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                sock.connect(address)
            except BaseException:
                sock.close()
                raise
        except OSError as error:
            self._retry_at_ms = self._clock_ms() + RETRY_CONNECT_MS
            self._telemetry.socket_error("cannot reach %s:%d: %s" % (self._host, self._port, error))
            return None
        self._sock = sock
        return sock

    def send(self, datagram: bytes, events: int, reports: int) -> None:
        sock = self._sock
        if sock is None:
            sock = self._connect()
            if sock is None:
                self._telemetry.drop("send_failed", events, "no socket to %s:%d" % (self._host, self._port))
                return
        try:
            try:
                sock.send(datagram)
            except ConnectionRefusedError:
                # ICMP port unreachable for an EARLIER datagram (the agent was down): Linux reports
                # it on this send and clears it, so this datagram deserves one more try.
                self._telemetry.socket_error("%s:%d refused an earlier datagram (agent down?)" % (self._host, self._port))
                sock.send(datagram)
        except OSError as error:
            self._telemetry.drop("send_failed", events, "could not send to %s:%d: %s" % (self._host, self._port, error))
            return
        self._telemetry.count_sent(events, reports)

    def close(self) -> None:
        self._closed = True
        sock = self._sock
        self._sock = None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
