"""timing()'s fast path (a seen name, a positive non-integral float, no call tags) writes exactly
the bytes of the general encoder, with and without prefix and client tags; so do the cached
per-name heads that every other plain event uses."""
import math
import random
import unittest

import support
from taskmeter import Client
from taskmeter.encode import encode_event, encode_name, encode_tags
from taskmeter.spec import PREFIX


def sample_values(rng, count):
    values = [0.5, 1e-300, 5e-324, 12.3, 2.0**32 + 0.5, 1e300, 0.0, -0.0, 1.0, 7, 2**40, 4294967295.0]
    for _ in range(count):
        values.append(rng.choice((rng.uniform(0, 1000), math.ldexp(rng.random(), rng.randint(-1074, 1023)), float(rng.randint(0, 2**33)), rng.randint(0, 2**33))))
    return values


class HotPathTest(unittest.TestCase):
    def test_timing_bytes_match_the_general_encoder(self):
        rng = random.Random(3)
        values = sample_values(rng, 3000)
        for prefix, tags in (("", None), ("svc.", None), ("", {"region": "eu"}), ("svc.", {"a": "1", "b": ""})):
            with self.subTest(prefix=prefix, tags=tags):
                receiver = support.UdpReceiver()
                self.addCleanup(receiver.close)
                client = Client("127.0.0.1", receiver.port, prefix=prefix, tags=tags, max_buffer_size=65507, buffer_flush_interval=60000, sequence=False)
                self.addCleanup(client.close)
                name_bytes = encode_name(prefix + "prediction")
                tag_bytes = encode_tags(list(tags.items())) if tags else None
                expected = bytearray(PREFIX)
                for value in values:
                    client.timing("prediction", value)
                    expected += encode_event(1, name_bytes, value, 1, tag_bytes)
                    client.histogram("prediction", value)
                    expected += encode_event(5, name_bytes, value, 1, tag_bytes)
                client.flush()

                def everything_received():
                    receiver.drain(0.05)
                    return receiver.datagrams if sum(len(d) - len(PREFIX) for d in receiver.datagrams) >= len(expected) - len(PREFIX) else None

                received = support.wait_for("every datagram", everything_received)
                self.assertEqual(b"".join(d[4:] for d in received), bytes(expected[4:]))
                self.assertEqual(client.stats()["dropped"], {})


if __name__ == "__main__":
    unittest.main()
