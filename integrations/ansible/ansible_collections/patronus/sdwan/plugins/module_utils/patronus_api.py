# -*- coding: utf-8 -*-
"""A small stdlib client of the Patronus REST API v1.

Shared by the modules (on the managed host) and the inventory plugin (on the controller),
so it imports nothing from Ansible: failures are PatronusError, which the callers turn into
fail_json or AnsibleParserError. The API key goes into the Authorization header only; it is
never part of an error message, a URL or a return value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import os
import time
import uuid

from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import HTTPSHandler, Request, build_opener
import ssl

VERSION = "0.1.0"
API_PREFIX = "/api/v1"
# The API answers at most 500 items a page.
PAGE_LIMIT = 500
RETRY_STATUSES = (429, 503)


class PatronusError(Exception):
    """A failed call: the API's problem details when it sent some."""

    def __init__(self, detail, status=None, code=None, request_id=None, errors=None):
        super(PatronusError, self).__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.request_id = request_id
        self.errors = errors or []

    def as_fail_kwargs(self):
        """What module.fail_json takes: msg=detail plus the problem's fields."""
        kwargs = dict(msg=self.detail, status=self.status, code=self.code,
                      request_id=self.request_id)
        if self.errors:
            kwargs["errors"] = self.errors
        return kwargs


def api_base(url):
    """The API root for a server URL, given with or without /api/v1."""
    base = (url or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise PatronusError("url must start with http:// or https://, got %r" % (url,))
    if not base.endswith(API_PREFIX):
        base += API_PREFIX
    return base


def retry_after_seconds(value, now=None):
    """Seconds to wait for a Retry-After header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0, int(when.timestamp() - now + 0.999))


def path_of(*parts):
    """An API path from raw parts, each percent-encoded: path_of('orgs', slug, 'sites')."""
    return "/" + "/".join(quote(str(p), safe="") for p in parts)


class PatronusClient:
    """Calls the API with one key. Retries 429 and 503 (honouring Retry-After) up to
    `retries` times, waiting at most `max_wait` seconds each time."""

    def __init__(self, url, api_key, timeout=30, validate_certs=True, retries=5, max_wait=60,
                 sleep=time.sleep, opener=None):
        if not api_key:
            raise PatronusError("api_key is required (or set PATRONUS_API_KEY)")
        self.base = api_base(url)
        self._api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep
        if opener is None:
            context = ssl.create_default_context()
            if not validate_certs:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            opener = build_opener(HTTPSHandler(context=context))
        self._opener = opener

    def request(self, method, path, body=None, query=None, headers=None):
        """(status, json body or None, response headers) of one call; PatronusError on 4xx/5xx."""
        url = self.base + path
        if query:
            url += "?" + urlencode([(k, v) for k, v in query.items() if v is not None])
        all_headers = {
            "Authorization": "Bearer " + self._api_key,
            "Accept": "application/json, application/problem+json",
            "User-Agent": "patronus-ansible/" + VERSION,
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        if method == "POST":
            # One key for every attempt of this create: a retry after a lost answer is
            # answered with the first answer instead of making a second object.
            all_headers["Idempotency-Key"] = "ansible-" + uuid.uuid4().hex
        all_headers.update(headers or {})
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._opener.open(
                    Request(url, data=data, headers=all_headers, method=method),
                    timeout=self.timeout)
                with response:
                    return response.status, _json_of(response.read()), dict(response.headers)
            except HTTPError as error:
                raw = _body_of(error)
                wait = retry_after_seconds(error.headers.get("Retry-After"))
                if error.code in RETRY_STATUSES and attempt <= self.retries:
                    self._sleep(min(self.max_wait, wait if wait is not None else 2 ** attempt))
                    continue
                raise _problem_of(error.code, raw, method, path)
            except (URLError, OSError) as error:
                raise PatronusError("%s %s: cannot reach %s: %s"
                                    % (method, path, self.base, getattr(error, "reason", error)))

    def get(self, path, query=None):
        return self.request("GET", path, query=query)[1]

    def get_with_etag(self, path):
        """(object, its ETag) for a later If-Match."""
        status, body, headers = self.request("GET", path)
        etag = next((v for k, v in headers.items() if k.lower() == "etag"), None)
        return body, etag

    def post(self, path, body):
        return self.request("POST", path, body=body)[1]

    def patch(self, path, body, etag=None):
        return self.request("PATCH", path, body=body,
                            headers={"If-Match": etag} if etag else None)[1]

    def put(self, path, body, etag=None):
        return self.request("PUT", path, body=body,
                            headers={"If-Match": etag} if etag else None)[1]

    def delete(self, path, etag=None):
        return self.request("DELETE", path, headers={"If-Match": etag} if etag else None)[1]

    def list_all(self, path, query=None):
        """Every item of a list, following `next` cursors page by page."""
        items = []
        params = dict(query or {})
        params["limit"] = PAGE_LIMIT
        while True:
            page = self.get(path, params) or {}
            items.extend(page.get("items") or [])
            cursor = page.get("next")
            if not cursor:
                return items
            params["cursor"] = cursor


def _body_of(error):
    try:
        return error.read()
    except (OSError, ValueError, AttributeError):
        return b""
    finally:
        error.close()


def _json_of(raw):
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def _problem_of(status, raw, method, path):
    problem = _json_of(raw)
    if isinstance(problem, dict) and problem.get("detail"):
        return PatronusError(
            problem["detail"], status=problem.get("status", status), code=problem.get("code"),
            request_id=problem.get("requestId"), errors=problem.get("errors"))
    return PatronusError("%s %s answered HTTP %s" % (method, path, status), status=status)


def client_from_env_or(url=None, api_key=None, **kwargs):
    """A client from explicit values, falling back to PATRONUS_URL / PATRONUS_API_KEY."""
    return PatronusClient(url or os.environ.get("PATRONUS_URL"),
                          api_key or os.environ.get("PATRONUS_API_KEY"), **kwargs)
