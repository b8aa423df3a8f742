"""Units of the collection's HTTP client and diff logic that the live tests cannot reach:
Retry-After handling (the test API has no rate limit), transport failures, and the
compare/merge rules. Run: /usr/bin/python3 -m unittest discover -s integrations/ansible/tests/unit
"""

import email.utils
import io
import json
import os
import sys
import unittest
from urllib.error import HTTPError, URLError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from ansible_collections.patronus.sdwan.plugins.module_utils import patronus_api as api  # noqa: E402
from ansible_collections.patronus.sdwan.plugins.module_utils import patronus_resource as res  # noqa: E402

KEY = "pat_secretsecretsecret"


class Answer:
    def __init__(self, status, body, headers=None):
        self.status = status
        self._body = json.dumps(body).encode() if body is not None else b""
        self.headers = headers or {}

    def read(self):
        return self._body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def refusal(status, headers=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    return HTTPError("http://127.0.0.1/x", status, "refused", headers or {}, io.BytesIO(raw))


class Opener:
    """Answers a scripted sequence and records the requests (a stand-in for the socket)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def open(self, request, timeout=None):
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(opener, sleeps):
    return api.PatronusClient("http://127.0.0.1:1/", KEY, opener=opener, sleep=sleeps.append)


class RetryAfter(unittest.TestCase):
    def test_seconds_and_dates(self):
        self.assertEqual(api.retry_after_seconds("7"), 7)
        now = 1_800_000_000
        date = email.utils.formatdate(now + 30, usegmt=True)
        self.assertEqual(api.retry_after_seconds(date, now=now), 30)
        self.assertEqual(api.retry_after_seconds(email.utils.formatdate(now - 5, usegmt=True), now=now), 0)
        self.assertIsNone(api.retry_after_seconds("soon"))
        self.assertIsNone(api.retry_after_seconds(None))


class Client(unittest.TestCase):
    def test_retries_429_and_503_as_long_as_retry_after_asks(self):
        opener = Opener(refusal(429, {"Retry-After": "3"}), refusal(503, {"Retry-After": "1"}),
                        Answer(201, {"id": "s1", "name": "a"}))
        sleeps = []
        self.assertEqual(client(opener, sleeps).post("/orgs/o/sites", {"name": "a"})["id"], "s1")
        self.assertEqual(sleeps, [3, 1])
        keys = set(r.get_header("Idempotency-key") for r in opener.requests)
        self.assertEqual(len(keys), 1, "every attempt of one create carries the same key")

    def test_caps_the_wait_and_gives_up_with_the_problem(self):
        problem = {"status": 429, "code": "TOO_MANY_REQUESTS", "detail": "slow down",
                   "requestId": "req_1"}
        opener = Opener(*[refusal(429, {"Retry-After": "3600"}, problem) for _ in range(6)])
        sleeps = []
        with self.assertRaises(api.PatronusError) as caught:
            client(opener, sleeps).get("/orgs/o/sites")
        self.assertEqual(sleeps, [60] * 5)
        self.assertEqual(caught.exception.as_fail_kwargs(), dict(
            msg="slow down", status=429, code="TOO_MANY_REQUESTS", request_id="req_1"))

    def test_problem_fields_and_no_key_in_messages(self):
        problem = {"status": 400, "code": "BAD_REQUEST", "detail": "name: too long",
                   "requestId": "req_2", "errors": [{"path": "name", "message": "too long"}]}
        for failure in (refusal(400, body=problem), refusal(502), URLError("refused")):
            with self.assertRaises(api.PatronusError) as caught:
                client(Opener(failure), []).get("/orgs/o/sites")
            self.assertNotIn(KEY, repr(caught.exception.as_fail_kwargs()))
        with self.assertRaises(api.PatronusError) as caught:
            client(Opener(refusal(400, body=problem)), []).get("/orgs/o/sites")
        self.assertEqual(caught.exception.errors, problem["errors"])

    def test_follows_cursors(self):
        opener = Opener(Answer(200, {"items": [{"id": 1}], "next": "c1"}),
                        Answer(200, {"items": [{"id": 2}], "next": None}))
        self.assertEqual(client(opener, []).list_all("/orgs/o/sites"), [{"id": 1}, {"id": 2}])
        self.assertIn("cursor=c1", opener.requests[1].full_url)
        self.assertIn("limit=500", opener.requests[0].full_url)

    def test_url_gets_the_api_prefix_once(self):
        self.assertEqual(api.api_base("https://p.example/"), "https://p.example/api/v1")
        self.assertEqual(api.api_base("https://p.example/api/v1/"), "https://p.example/api/v1")
        self.assertEqual(api.path_of("orgs", "a/b", "sites"), "/orgs/a%2Fb/sites")


class Compare(unittest.TestCase):
    def test_only_given_keys_count(self):
        current = {"wan": "eth0", "lan": "eth1", "snat": {"from": "10.0.0.0/8", "to": "1.2.3.4"}}
        self.assertFalse(res.differs(current, {"wan": "eth0"}))
        self.assertTrue(res.differs(current, {"snat": {"to": "1.2.3.5"}}))
        self.assertTrue(res.differs([{"a": 1}], [{"a": 1}, {"a": 2}]))
        # A list is replaced whole: an item holding more than asked differs.
        self.assertTrue(res.differs([{"a": 1, "b": 2}], [{"a": 1}]))
        self.assertFalse(res.differs([{"a": 1, "b": None}], [{"a": 1}]))
        self.assertFalse(res.differs({"l": [{"a": 1}], "x": 2}, {"l": [{"a": 1}]}))

    def test_merge_and_camel_case(self):
        self.assertEqual(res.merged({"wan": "eth0", "lan": "eth1"}, {"wan": "eth2"}),
                         {"wan": "eth2", "lan": "eth1"})
        self.assertEqual(res.to_api({"wan_address": "1.2.3.4", "lan": None, "snat": {"from": "x"}}),
                         {"wanAddress": "1.2.3.4", "snat": {"from": "x"}})


if __name__ == "__main__":
    unittest.main()
