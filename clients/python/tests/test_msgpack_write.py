"""Canonical msgpack forms at every width boundary (SPEC.md §4), beyond what the vectors pin."""
import math
import random
import struct
import unittest

import support  # noqa: F401 - puts the package on sys.path
from taskmeter.encode import encode_client_id, encode_name, encode_tags
from taskmeter.msgpack_write import encode_number, encode_str, map_header, utf8
from taskmeter.wire_decode import read_value


class NumberFormTest(unittest.TestCase):
    def test_integer_widths_at_each_boundary(self):
        cases = [
            (0, "00"),
            (127, "7f"),
            (128, "cc80"),
            (255, "ccff"),
            (256, "cd0100"),
            (65535, "cdffff"),
            (65536, "ce00010000"),
            (2**32 - 1, "ceffffffff"),
            (-1, "ff"),
            (-32, "e0"),
            (-33, "d0df"),
            (-128, "d080"),
            (-129, "d1ff7f"),
            (-32768, "d18000"),
            (-32769, "d2ffff7fff"),
            (-(2**31), "d280000000"),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(encode_number(value).hex(), expected)
                self.assertEqual(encode_number(float(value)).hex(), expected, "an integral float takes the int form")

    def test_outside_the_int_range_is_float64(self):
        for value in (2**32, -(2**31) - 1, 2**53, -(2**53), 2**64 + 1, 10**300):
            with self.subTest(value=value):
                self.assertEqual(encode_number(value), struct.pack(">Bd", 0xCB, float(value)))

    def test_fractions_and_negative_zero(self):
        self.assertEqual(encode_number(-0.0).hex(), "00", "SPEC §4: -0 writes as 0")
        self.assertEqual(encode_number(0.5).hex(), "cb3fe0000000000000")
        self.assertEqual(encode_number(5e-324).hex(), "cb0000000000000001")
        self.assertEqual(encode_number(-2147483648.5), struct.pack(">Bd", 0xCB, -2147483648.5))

    def test_random_numbers_read_back_exactly(self):
        rng = random.Random(20240611)
        for _ in range(20000):
            value = rng.choice(
                (
                    rng.randint(-(2**40), 2**40),
                    rng.randint(-300, 300),
                    rng.uniform(-1e6, 1e6),
                    math.ldexp(rng.random(), rng.randint(-1074, 1023)),
                )
            )
            decoded, end = read_value(encode_number(value), 0)
            self.assertEqual(float(decoded), float(value))
            self.assertEqual(end, len(encode_number(value)))


class StrAndMapTest(unittest.TestCase):
    def test_str_header_widths(self):
        for length, header in ((0, "a0"), (31, "bf"), (32, "d920"), (255, "d9ff"), (256, "da0100"), (65535, "daffff"), (65536, "db00010000")):
            with self.subTest(length=length):
                self.assertEqual(encode_str("x" * length)[: len(header) // 2].hex(), header)

    def test_map_header_widths(self):
        self.assertEqual(map_header(0).hex(), "80")
        self.assertEqual(map_header(15).hex(), "8f")
        self.assertEqual(map_header(16).hex(), "de0010")

    def test_lone_surrogate_becomes_replacement_character(self):
        self.assertEqual(utf8("a\ud800b"), b"a\xef\xbf\xbdb")
        self.assertEqual(encode_name("\udfff"), b"\xa3\xef\xbf\xbd")

    def test_name_limits_are_in_utf8_bytes(self):
        self.assertEqual(encode_name(""), "bad_name")
        self.assertEqual(encode_name(None), "bad_name")
        self.assertEqual(len(encode_name("n" * 200)), 202)
        self.assertEqual(encode_name("n" * 201), "name_too_long")
        self.assertEqual(encode_name("é" * 100)[:2].hex(), "d9c8")
        self.assertEqual(encode_name("é" * 100 + "x"), "name_too_long")

    def test_tag_limits(self):
        self.assertIsNone(encode_tags([]))
        self.assertEqual(encode_tags([("", "v")]), "bad_tags")
        self.assertEqual(encode_tags([("k", 1)]), "bad_tags")
        self.assertEqual(encode_tags([("k%d" % i, "v") for i in range(17)]), "bad_tags")
        self.assertEqual(encode_tags([("k" * 65, "v")]), "tag_too_long")
        self.assertEqual(encode_tags([("k", "v" * 201)]), "tag_too_long")
        self.assertEqual(encode_tags([("b", "2"), ("a", "")]).hex(), "82a162a132a161a0", "the given order, empty value allowed")

    def test_client_id_limits(self):
        self.assertEqual(encode_client_id(""), "bad_inflight")
        self.assertEqual(encode_client_id("c" * 65), "bad_inflight")
        self.assertEqual(len(encode_client_id("c" * 64)), 66)


if __name__ == "__main__":
    unittest.main()
