"""The golden vectors of protocol/vectors/*.json, the same files the TS tests read: every vector
with an `encode` list encodes byte for byte (through the batch the client uses, and through the
public Client API over real UDP where its calls can express the ops), and every vector (208)
decodes to its items and reason with the tests' own SPEC-based decoder."""
import math
import unittest

import support
from taskmeter import Client
from taskmeter.batch_buffer import BatchBuffer
from taskmeter.encode import (
    encode_client_id,
    encode_event,
    encode_exemplar,
    encode_member,
    encode_name,
    encode_sender_id,
    encode_set,
    encode_tags,
)
from taskmeter.spec import MAX_DATAGRAM_BYTES
from taskmeter.wire_decode import decode_datagram


class RecordingTransport:
    def __init__(self):
        self.datagrams = []

    def send(self, datagram, events, reports):
        self.datagrams.append(bytes(datagram))


def all_vectors():
    return [vector for file_name in support.VECTOR_FILES for vector in support.load_vectors(file_name)]


def encoded_vectors():
    return [vector for vector in all_vectors() if "encode" in vector]


def op_tags(op):
    return encode_tags([tuple(pair) for pair in op["tags"]] if op["tags"] else None)


def write_ops(ops):
    """The datagram the ops write from an empty batch, as the client's BatchBuffer assembles it."""
    transport = RecordingTransport()
    # A header op comes first: the batch's sender id and the sequence of its first datagram.
    head = ops[0] if ops and ops[0]["op"] == "header" else None
    sender_id = None if head is None else encode_sender_id(head["clientId"])
    batch = BatchBuffer(MAX_DATAGRAM_BYTES, transport, sender_id, 0 if head is None else head["sequence"])
    # An exemplar op stages its bytes: they go with the next event, in one append, as the client writes them.
    staged = b""
    for op in ops:
        if op["op"] == "header":
            assert op is head, "a header op only first"
        elif op["op"] == "exemplar":
            staged = encode_exemplar(op["traceId"], op["spanId"])
            assert type(staged) is bytes, "vector ids are valid"
        elif op["op"] == "append":
            event = encode_event(op["kind"], encode_name(op["name"]), op["value"], op["sampleRate"], op_tags(op))
            batch.append(staged + event)
            staged = b""
        elif op["op"] == "set":
            batch.append(encode_set(encode_name(op["name"]), encode_member(op["member"]), op["sampleRate"], op_tags(op)))
        else:
            names = [encode_name(name) for name, _ in op["entries"]]
            counts = [count for _, count in op["entries"]]
            after = batch.append_report(encode_client_id(op["clientId"]), op["sequence"], op["flushIntervalMs"], names, counts)
            assert after == (op["sequence"] + 1) % 2**32, "one report, one sequence number"
    batch.send()
    assert len(transport.datagrams) == 1, "every vector is one datagram"
    return transport.datagrams[0]


# Client calls for the append kinds the public API writes directly (timing, count, gauge,
# gauge_delta, histogram); a sample rate only goes with count. Every set op is a set() call.
API_KINDS = {1: "timing", 2: "increment", 3: "gauge", 4: "gauge_delta", 5: "histogram"}


def api_expressible_op(op, index=1):
    if op["op"] in ("set", "exemplar"):
        return True
    if op["op"] == "header":
        # A new client's first datagram: the client_id option at sequence 0.
        return index == 0 and op["sequence"] == 0
    return op["op"] == "append" and op["kind"] in API_KINDS and (op["sampleRate"] == 1 or op["kind"] == 2)


def api_expressible(vector):
    return all(api_expressible_op(op, i) for i, op in enumerate(vector["encode"]))


def header_options(vector):
    """The client options that write the vector's header, or none at all (sequence off)."""
    first = vector["encode"][0]
    return {"client_id": first["clientId"]} if first["op"] == "header" else {"sequence": False}


def normalized(value):
    """Numbers compared as doubles (vectors README: an int 5 and a float64 5.0 both decode to 5)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


class GoldenVectorTest(unittest.TestCase):
    def test_every_canonical_vector_encodes_byte_for_byte(self):
        vectors = encoded_vectors()
        self.assertEqual(len(vectors), 36, "valid.json holds 36 canonical vectors with encode lists, 4 of them sets")
        self.assertEqual(sum(any(op["op"] == "exemplar" for op in vector["encode"]) for vector in vectors), 4, "4 with exemplars")
        self.assertEqual(sum(any(op["op"] == "set" for op in vector["encode"]) for vector in vectors), 4)
        passed = 0
        for vector in vectors:
            with self.subTest(vector=vector["name"]):
                self.assertTrue(vector["canonical"])
                self.assertEqual(write_ops(vector["encode"]).hex(), vector["hex"])
                passed += 1
        self.assertEqual(passed, len(vectors))

    def test_client_api_writes_the_canonical_bytes(self):
        vectors = [vector for vector in encoded_vectors() if api_expressible(vector)]
        self.assertGreaterEqual(len(vectors), 21)
        self.assertEqual(sum(any(op["op"] == "set" for op in vector["encode"]) for vector in vectors), 4, "every set vector")
        self.assertEqual(sum(any(op["op"] == "exemplar" for op in vector["encode"]) for vector in vectors), 2, "exemplar_timing, exemplar_histogram")
        receiver = support.UdpReceiver()
        self.addCleanup(receiver.close)
        for vector in vectors:
            with self.subTest(vector=vector["name"]):
                client = Client("127.0.0.1", receiver.port, max_buffer_size=MAX_DATAGRAM_BYTES, random=lambda: 0.0, **header_options(vector))
                # An exemplar op: the next call goes through with_trace() with its ids.
                scope = client
                for op in vector["encode"]:
                    if op["op"] == "header":
                        continue
                    if op["op"] == "exemplar":
                        scope = client.with_trace(trace_id=op["traceId"], span_id=op["spanId"])
                        continue
                    tags = dict(op["tags"]) if op["tags"] is not None else None
                    if op["op"] == "set":
                        # The rate where pystatsd puts it (third), the tags where datadog does.
                        scope.set(op["name"], op["member"], op["sampleRate"] if op["sampleRate"] != 1 else None, tags)
                    elif op["kind"] == 2:
                        scope.increment(op["name"], op["value"], op["sampleRate"], tags)
                    else:
                        getattr(scope, API_KINDS[op["kind"]])(op["name"], op["value"], tags)
                    scope = client
                self.assertEqual(client.stats()["dropped"], {})
                client.flush()
                datagram = support.wait_for("the datagram of " + vector["name"], lambda: receiver.drain(1.0) and receiver.datagrams.pop(0))
                self.assertEqual(datagram.hex(), vector["hex"])
                client.close()

    def test_every_vector_decodes_to_its_items_and_reason(self):
        vectors = all_vectors()
        self.assertEqual(len(vectors), 208)
        self.assertGreaterEqual(sum(item.get("reason") == "bad_exemplar" for vector in vectors for item in vector["items"]), 20)
        self.assertEqual(len({vector["name"] for vector in vectors}), len(vectors), "names are unique across files")
        for vector in vectors:
            with self.subTest(vector=vector["name"]):
                items, reason = decode_datagram(bytes.fromhex(vector["hex"]))
                self.assertEqual(reason, vector["reason"])
                self.assertEqual(normalized(items), normalized(vector["items"]))

    def test_canonical_bytes_decode_back_to_the_vector_items(self):
        for vector in encoded_vectors():
            with self.subTest(vector=vector["name"]):
                items, reason = decode_datagram(write_ops(vector["encode"]))
                self.assertIsNone(reason)
                self.assertEqual(normalized(items), normalized(vector["items"]))
                for item in items:
                    if item.get("kind") == "set":
                        self.assertIsInstance(item["value"], str, "a set member decodes as its text")
                    elif "value" in item:
                        self.assertTrue(math.isfinite(item["value"]))


if __name__ == "__main__":
    unittest.main()
