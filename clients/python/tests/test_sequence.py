"""The v1.1 datagram header (SPEC.md §3.3) the client writes: [0, client_id, sequence] first in
every datagram, the sequence one more per datagram handed to the transport, oversize ones too;
sequence=False writes plain v1."""
import os
import socket
import unittest

import support
from taskmeter import Client, TaskmeterError
from taskmeter.batch_buffer import BatchBuffer
from taskmeter.encode import encode_event, encode_name, encode_sender_id
from taskmeter.wire_decode import headers_of

NEVER_MS = 60000


class RecordingTransport:
    def __init__(self):
        self.datagrams = []

    def send(self, datagram, events, reports):
        self.datagrams.append(bytes(datagram))


class SequenceTest(unittest.TestCase):
    def setUp(self):
        self.receiver = support.UdpReceiver()
        self.addCleanup(self.receiver.close)

    def test_every_datagram_is_numbered_from_zero_under_the_client_id(self):
        client = Client("127.0.0.1", self.receiver.port, max_buffer_size=100, buffer_flush_interval=NEVER_MS, client_id="py-a")
        self.addCleanup(client.close)
        for i in range(40):
            client.timing("job", i + 0.5)
        client.gauge("big", 1, {"k": "v" * 150})  # alone in a bigger datagram, numbered too
        client.flush()
        self.receiver.wait_for_items("41 events", lambda items: len(items) == 41)
        headers = headers_of(self.receiver.datagrams)
        self.assertGreater(len(headers), 5)
        self.assertEqual(headers, [{"kind": "header", "clientId": "py-a", "sequence": i} for i in range(len(headers))])

    def test_the_default_id_is_host_pid_and_4_hex_and_the_env_can_set_it(self):
        client = Client("127.0.0.1", self.receiver.port, env={})
        self.addCleanup(client.close)
        host, pid, tail = client.client_id.rsplit(":", 2)
        self.assertTrue(socket.gethostname().startswith(host))
        self.assertEqual(int(pid), os.getpid())
        self.assertRegex(tail, r"^[0-9a-f]{4}$")
        other = Client("127.0.0.1", self.receiver.port, env={"TASKMETER_CLIENT_ID": "from-env"})
        self.addCleanup(other.close)
        self.assertEqual(other.client_id, "from-env")

    def test_sequence_false_sends_v1(self):
        client = Client("127.0.0.1", self.receiver.port, sequence=False)
        self.addCleanup(client.close)
        client.increment("hits")
        client.flush()
        self.receiver.wait_for_items("the event", lambda items: len(items) == 1)
        self.assertEqual(headers_of(self.receiver.datagrams), [None])

    def test_the_sequence_wraps_at_2_32(self):
        transport = RecordingTransport()
        batch = BatchBuffer(1432, transport, encode_sender_id("w"), 0xFFFFFFFF)
        for _ in range(2):
            batch.append(encode_event(1, encode_name("job"), 1, 1, None))
            batch.send()
        self.assertEqual([h["sequence"] for h in headers_of(transport.datagrams)], [0xFFFFFFFF, 0])

    def test_bad_options_raise_at_startup(self):
        for options in ({"client_id": ""}, {"client_id": "c" * 65}, {"client_id": 7}, {"sequence": "yes"}, {"env": {"TASKMETER_CLIENT_ID": "é" * 33}}):
            with self.subTest(options=options):
                with self.assertRaises(TaskmeterError):
                    Client("127.0.0.1", self.receiver.port, **options)


if __name__ == "__main__":
    unittest.main()
