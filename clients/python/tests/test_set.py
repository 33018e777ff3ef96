"""set(name, member): one protocol set event (type 10, SPEC.md §3.2) per call. The member is a str
of 1..200 UTF-8 bytes, or an int or float sent as its decimal text (so 42 is the member StatsD
`users:42|s` adds); anything else is dropped as bad_value and counted, never raised. The rate
and tags go where pystatsd or datadog put them, and a rate below 1 samples like any kind."""
import unittest
from decimal import Decimal

import support
from support import FixedRandom, shapes
from taskmeter import Client


class SetTest(unittest.TestCase):
    def mock(self, **options):
        return support.mock_client(self, **options)  # closed after the test

    def test_a_str_member_is_one_set_event_under_the_prefix(self):
        client = self.mock(prefix="app.")
        client.set("users", "alice")
        client.set("users", "é" * 100)  # 200 bytes: the longest member
        self.assertEqual(shapes(client), [("set", "app.users", "alice", 1, None), ("set", "app.users", "é" * 100, 1, None)])
        self.assertEqual(client.stats()["dropped"], {})

    def test_a_number_member_is_sent_as_its_decimal_text(self):
        client = self.mock()
        client.set("users", 42)
        client.set("users", -7)
        client.set("users", 1.5)
        client.set("users", 42.0)
        self.assertEqual([e["value"] for e in client.mock_events], ["42", "-7", "1.5", "42"])

    def test_bad_members_are_dropped_and_counted_never_raised(self):
        client = self.mock(error_handler=lambda error: None)
        for member in (True, False, None, "", "x" * 201, "é" * 101, b"bytes", ["a"], Decimal("1"), 10**200):
            client.set("users", member)
        client.set("users", float("nan"))
        client.set("users", float("inf"))
        self.assertEqual(client.mock_events, [])
        self.assertEqual(client.stats()["dropped"], {"bad_value": 10, "non_finite_value": 2})

    def test_bad_names_and_tags_are_dropped_as_for_other_kinds(self):
        client = self.mock(error_handler=lambda error: None)
        client.set("", "a")
        client.set("n" * 201, "a")
        client.set("users", "a", {"k" * 65: "v"})
        self.assertEqual(client.mock_events, [])
        self.assertEqual(client.stats()["dropped"], {"bad_name": 1, "name_too_long": 1, "tag_too_long": 1})

    def test_tags_as_a_dict_or_a_list_and_over_the_scope_tags(self):
        client = self.mock(tags={"service": "api"})
        client.set("users", "a")
        client.set("users", "b", {"region": "eu"})
        client.set("users", "c", tags=["region:us"])
        self.assertEqual(
            [e["tags"] for e in client.mock_events],
            [{"service": "api"}, {"service": "api", "region": "eu"}, {"service": "api", "region": "us"}],
        )

    def test_a_rate_in_either_place_samples_and_is_sent(self):
        client = self.mock(random=FixedRandom(0.1, 0.9, 0.2, 0.3))
        client.set("users", "a", 0.5)  # pystatsd: set(stat, value, rate)
        client.set("users", "b", 0.5)  # random 0.9: sampled out
        client.set("users", "c", ["region:eu"], 0.5)  # datadog: set(metric, value, tags, sample_rate)
        client.set("users", "d", rate=0.5)
        self.assertEqual(
            shapes(client),
            [("set", "users", "a", 0.5, None), ("set", "users", "c", 0.5, {"region": "eu"}), ("set", "users", "d", 0.5, None)],
        )
        self.assertEqual(client.stats()["sampled_out"], 1)

    def test_a_bad_rate_or_two_rates_are_dropped(self):
        client = self.mock(error_handler=lambda error: None)
        client.set("users", "a", 2)
        client.set("users", "a", 0.5, rate=0.5)
        self.assertEqual(client.mock_events, [])
        self.assertEqual(client.stats()["dropped"], {"bad_sample_rate": 1, "bad_argument": 1})

    def test_the_client_sample_rate_does_not_sample_sets(self):
        client = self.mock(sample_rate=0.01, random=FixedRandom(0.99))
        client.set("users", "a")
        self.assertEqual(shapes(client), [("set", "users", "a", 1, None)])

    def test_a_closed_client_counts_the_set_as_closed(self):
        client = Client(mock=True, error_handler=lambda error: None)
        client.close()
        client.set("users", "a")
        self.assertEqual(client.stats()["dropped"], {"closed": 1})


class SetOverUdpTest(support.ReceiverTestCase):
    def test_the_datagram_is_the_spec_example(self):
        client = self.client(sequence=False)
        client.set("users", "42")
        client.flush()
        datagram = support.wait_for("the set datagram", lambda: self.receiver.drain(1.0) and self.receiver.datagrams.pop(0))
        # SPEC.md §3.2's example: prefix, array of 3, type 10, "users", "42".
        self.assertEqual(datagram.hex(), "fe544d01" + "930a" + "a57573657273" + "a23432")


if __name__ == "__main__":
    unittest.main()
