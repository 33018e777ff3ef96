"""One connected, non-blocking UDP socket to the agent. Connecting resolves the host once (DNS is
not looked up per send); a failed resolution is retried at most once per RETRY_CONNECT_MS. A send
never blocks the app: a full socket buffer drops the datagram and counts it (send_failed)."""
from __future__ import annotations

import socket
from typing import Any, Callable, Optional

from .socket_transport import SocketTransport, non_blocking

# How long a failed connect (DNS failure, no route) waits before the next attempt.
RETRY_CONNECT_MS = 1000


class UdpTransport(SocketTransport):
    def __init__(self, host: str, port: int, telemetry: Any, clock_ms: Callable[[], float]) -> None:
        super().__init__(telemetry, "%s:%d" % (host, port))
        self._host = host
        self._port = port
        self._clock_ms = clock_ms
        self._retry_at_ms = 0.0
        self._sock = self._open()

    def _open(self) -> Optional[socket.socket]:
        if self._clock_ms() < self._retry_at_ms:
            return None
        try:
            family, kind, proto, _, address = socket.getaddrinfo(self._host, self._port, 0, socket.SOCK_DGRAM)[0]
            sock = non_blocking(socket.socket(family, kind, proto))
            try:
                sock.connect(address)
            except BaseException:
                sock.close()
                raise
        except OSError as error:
            self._retry_at_ms = self._clock_ms() + RETRY_CONNECT_MS
            self._telemetry.socket_error("cannot reach %s: %s" % (self._destination, error))
            return None
        return sock

    def _write(self, sock: socket.socket, datagram: bytes) -> None:
        try:
            sock.send(datagram)
        except ConnectionRefusedError:
            # ICMP port unreachable for an EARLIER datagram (the agent was down): Linux reports it
            # on this send and clears it, so this datagram deserves one more try.
            self._telemetry.socket_error("%s refused an earlier datagram (agent down?)" % (self._destination,))
            sock.send(datagram)
