"""Retries against the real API behind a fault-injecting loopback proxy: a create whose
answer is lost is retried with the same Idempotency-Key and creates once; 429 and 503 are
retried; without retries the typed error surfaces."""

from __future__ import annotations

import unittest
import uuid

from live import ORG, URL, FaultProxy, client, needs_server

from patronus import RateLimitedError, ServerError, SiteCreateRequest, response_of


@needs_server
class Retries(unittest.TestCase):
    def test_a_lost_create_answer_is_retried_with_the_same_key_and_creates_once(self) -> None:
        with FaultProxy(URL) as proxy:
            c = client(proxy.url)
            proxy.faults = [("POST", "lose")]
            name = f"py-lost-{uuid.uuid4().hex[:8]}"
            created = c.site_create(ORG, SiteCreateRequest(name=name))
            keys = [h.get("Idempotency-Key") for m, _, h in proxy.seen if m == "POST"]
            self.assertEqual(len(keys), 2)
            self.assertTrue(keys[0])
            self.assertEqual(keys[0], keys[1])
            self.assertEqual(response_of(created).headers.get("idempotent-replayed"), "true")
            direct = client()
            self.assertEqual(sum(s.name == name for s in direct.iterate_site_list(ORG, q=name)), 1)
            direct.site_delete(ORG, created.id)

    def test_429_and_503_are_retried(self) -> None:
        with FaultProxy(URL) as proxy:
            c = client(proxy.url)
            proxy.faults = [("GET", 429), ("GET", 503)]
            page = c.site_list(ORG, limit=1)
            self.assertEqual(len(page.items), 1)
            self.assertEqual(len(proxy.seen), 3)

    def test_without_retries_the_error_is_typed(self) -> None:
        with FaultProxy(URL) as proxy:
            c = client(proxy.url, retries=0)
            proxy.faults = [("GET", 429), ("GET", 503)]
            with self.assertRaises(RateLimitedError) as caught:
                c.site_list(ORG)
            self.assertEqual(caught.exception.retry_after, 0.0)
            with self.assertRaises(ServerError):
                c.site_list(ORG)

if __name__ == "__main__":
    unittest.main()
