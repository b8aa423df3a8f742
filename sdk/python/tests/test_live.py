"""The SDK against a running API: pages, a site's life, typed errors, idempotent creates."""

from __future__ import annotations

import unittest
import uuid
from datetime import datetime

from live import ORG, client, needs_server

import patronus
from patronus import (
    ConflictError,
    NotFoundError,
    PreconditionFailedError,
    SiteCreateRequest,
    SiteUpdateRequest,
    UnauthorizedError,
    ValidationError,
    etag_of,
    response_of,
)


@needs_server
class Pages(unittest.TestCase):
    def test_follows_next_across_pages(self) -> None:
        c = client()
        pages, names = 0, []
        cursor = None
        while True:
            page = c.site_list(ORG, limit=25, cursor=cursor)
            pages += 1
            self.assertLessEqual(len(page.items), 25)
            names += [s.name for s in page.items]
            cursor = page.next
            if cursor is None:
                break
        self.assertGreaterEqual(pages, 5)
        expected = [f"site-{i:05d}" for i in range(120)]
        self.assertEqual([n for n in names if n in expected], expected)
        self.assertEqual(len(names), len(set(names)))

    def test_iterate_and_paginate_yield_every_item(self) -> None:
        c = client()
        every = [s.name for s in c.iterate_site_list(ORG, limit=7)]
        self.assertEqual(every, [s.name for s in c.paginate(c.site_list, ORG, limit=50)])
        self.assertGreaterEqual(len(every), 120)
        first = next(iter(c.iterate_site_list(ORG, limit=1, sort="createdAt", order="desc")))
        self.assertIsInstance(first.created_at, datetime)


@needs_server
class SiteLife(unittest.TestCase):
    def test_create_get_update_delete(self) -> None:
        c = client()
        name = f"py-{uuid.uuid4().hex[:8]}"
        created = c.site_create(ORG, SiteCreateRequest(name=name, description="from Python"))
        self.assertEqual(created.name, name)
        self.assertEqual(response_of(created).status, 201)

        got = c.site_get(ORG, created.id)
        self.assertEqual((got.name, got.description), (name, "from Python"))
        self.assertIsInstance(got.created_at, datetime)
        self.assertTrue(etag_of(got))

        renamed = c.site_update(
            ORG, created.id, body=SiteUpdateRequest(name=name + "-b"), if_match=etag_of(got)
        )
        self.assertEqual(renamed.name, name + "-b")
        self.assertEqual(c.site_get(ORG, created.id).name, name + "-b")
        with self.assertRaises(PreconditionFailedError) as stale:
            c.site_update(ORG, created.id, body={"name": name + "-c"}, if_match=etag_of(got))
        self.assertEqual(stale.exception.status, 412)
        self.assertEqual(c.site_get(ORG, created.id).name, name + "-b")

        self.assertIsNone(c.site_delete(ORG, created.id))
        with self.assertRaises(NotFoundError):
            c.site_get(ORG, created.id)

    def test_a_plain_dict_body_and_unknown_fields_are_accepted(self) -> None:
        c = client()
        created = c.site_create(ORG, {"name": f"py-{uuid.uuid4().hex[:8]}"})
        try:
            got = c.site_get(ORG, created.id)
            round_trip = type(got).from_dict({**got.to_dict(), "addedLater": 1})
            self.assertEqual(round_trip.to_dict()["addedLater"], 1)
            self.assertEqual(round_trip.name, got.name)
        finally:
            c.site_delete(ORG, created.id)


@needs_server
class Errors(unittest.TestCase):
    def test_another_id_is_not_found(self) -> None:
        with self.assertRaises(NotFoundError) as caught:
            client().site_get(ORG, "site_does_not_exist")
        e = caught.exception
        self.assertEqual((e.status, e.code), (404, "NOT_FOUND"))
        self.assertTrue(e.request_id)
        self.assertIsInstance(e, patronus.ApiError)

    def test_an_empty_name_is_a_validation_error_naming_the_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            client().site_create(ORG, SiteCreateRequest(name=""))
        e = caught.exception
        self.assertEqual(e.status, 400)
        self.assertIn("name", [f.path for f in e.errors])
        self.assertTrue(e.detail)

    def test_a_bad_key_is_unauthorized_and_never_shown(self) -> None:
        bad = "pat_not_a_real_key_" + uuid.uuid4().hex
        c = patronus.Client(client().base_url, bad)
        with self.assertRaises(UnauthorizedError) as caught:
            c.site_list(ORG)
        self.assertNotIn(bad, str(caught.exception))
        self.assertNotIn(bad, repr(c))


@needs_server
class IdempotentCreate(unittest.TestCase):
    def test_the_same_key_answers_the_first_answer(self) -> None:
        c = client()
        key = str(uuid.uuid4())
        name = f"py-idem-{key[:8]}"
        first = c.site_create(ORG, SiteCreateRequest(name=name), idempotency_key=key)
        again = c.site_create(ORG, SiteCreateRequest(name=name), idempotency_key=key)
        try:
            self.assertEqual(first.id, again.id)
            self.assertEqual(response_of(again).headers.get("idempotent-replayed"), "true")
            self.assertEqual(sum(s.name == name for s in c.iterate_site_list(ORG, q=name)), 1)
            with self.assertRaises(ConflictError):
                c.site_create(ORG, SiteCreateRequest(name=name + "-other"), idempotency_key=key)
        finally:
            c.site_delete(ORG, first.id)


if __name__ == "__main__":
    unittest.main()
