"""One non-blocking unix datagram socket (AF_UNIX, SOCK_DGRAM) to the agent's socket file, for
the sidecar that shares a volume with the app instead of a port. Each datagram is a sendto() to
the path rather than a connect() once: an agent that restarts binds a new socket at the same path,
which a connected socket would never reach again, while sendto() looks the path up every time
(one lookup per datagram, not per event). A missing file (ENOENT), a file nobody listens on any
more (ECONNREFUSED) and a full receiver queue (EAGAIN) each drop that datagram and count it as
send_failed; nothing blocks the app and nothing raises into it. Unlike UDP, the sender learns of
every datagram the receiver could not take."""
from __future__ import annotations

import errno
import socket
from typing import Any, Optional

from .socket_transport import SocketTransport, non_blocking

_WHY = {
    errno.ENOENT: "no socket file (agent not started?)",
    errno.ECONNREFUSED: "nothing listens on it (agent gone?)",
    errno.EAGAIN: "the agent's receive queue is full",
}


class UnixTransport(SocketTransport):
    def __init__(self, path: str, telemetry: Any) -> None:
        super().__init__(telemetry, path)
        self._path = path
        self._sock = self._open()

    def _open(self) -> Optional[socket.socket]:
        try:
            return non_blocking(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
        except OSError as error:
            # Out of file descriptors, say: the next send tries again.
            self._telemetry.socket_error("cannot open a unix datagram socket: %s" % (error,))
            return None

    def _write(self, sock: socket.socket, datagram: bytes) -> None:
        sock.sendto(datagram, self._path)

    def _why(self, error: OSError) -> object:
        return _WHY.get(error.errno) or error
