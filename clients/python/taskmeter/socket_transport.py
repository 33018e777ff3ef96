"""What the UDP and the unix datagram transports share: one non-blocking socket, opened at
construction and again on the next send after a failed open, closed once at close(). A send
never raises: it is counted as sent, or dropped as send_failed with the reason."""
from __future__ import annotations

import socket
from typing import Any, Optional


class SocketTransport:
    def __init__(self, telemetry: Any, destination: str) -> None:
        self._telemetry = telemetry
        self._destination = destination
        self._sock: Optional[socket.socket] = None
        self._closed = False

    def _open(self) -> Optional[socket.socket]:
        """A new socket ready to send, or None (reported to telemetry) when it cannot be made."""
        raise NotImplementedError

    def _write(self, sock: socket.socket, datagram: bytes) -> None:
        """Sends one datagram on sock; raises OSError when it did not go."""
        raise NotImplementedError

    def _why(self, error: OSError) -> object:
        """What a failed send says to the app about its error."""
        return error

    def send(self, datagram: bytes, events: int, reports: int) -> None:
        sock = self._sock
        if sock is None and not self._closed:
            sock = self._open()
            self._sock = sock
        if sock is None:
            self._telemetry.drop("send_failed", events, "no socket to %s" % (self._destination,))
            return
        try:
            self._write(sock, datagram)
        except OSError as error:
            self._telemetry.drop("send_failed", events, "could not send to %s: %s" % (self._destination, self._why(error)))
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


def non_blocking(sock: socket.socket) -> socket.socket:
    """sock, set non-blocking (a full buffer drops, never waits); closed if that fails."""
    try:
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock
