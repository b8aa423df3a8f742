"""The HTTP side of the client: authentication, JSON, errors, retries and pages.

The methods (one per API operation) are generated into ``_operations.py``; they all come
through ``Client._call``. Retries: 429 (after Retry-After), 503, and a connection that
failed. A create (POST) carries an Idempotency-Key, the same on every attempt, so a retry
after a lost answer returns the first answer instead of creating twice.
"""

from __future__ import annotations

import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

from . import _codec
from ._operations import BASE_PATH, Operations
from .errors import ApiError, TransportError, error_for

__all__ = ["Client", "Response", "response_of", "etag_of"]

USER_AGENT = "patronus-python"
_RETRY_STATUSES = (429, 503)
_IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


class Response:
    """What an answer said besides its body: status and headers (ETag, request id)."""

    def __init__(self, status: int, headers: Mapping[str, str]) -> None:
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}

    @property
    def etag(self) -> Optional[str]:
        return self.headers.get("etag")

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("x-request-id")


def response_of(model: Any) -> Optional[Response]:
    """The answer a model came from (None for a model built by hand)."""
    return getattr(model, "_response", None)


def etag_of(model: Any) -> Optional[str]:
    """The ETag of the answer a model came from: pass it as ``if_match`` to a change."""
    r = response_of(model)
    return r.etag if r else None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _codec.DATETIME.encode(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Client(Operations):
    """A client of the Patronus REST API.

    ``base_url`` is the server (``https://patronus.example``); the API's base path
    (``/api/v1``) is added unless the URL already ends with it. ``api_key`` is an org API
    key (``pat_…``): it is sent as a Bearer token and never appears in errors or logs.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        retries: int = 3,
        timeout: float = 30.0,
        max_retry_wait: float = 60.0,
        user_agent: str = USER_AGENT,
    ) -> None:
        root = base_url.rstrip("/")
        self.base_url = root if root.endswith(BASE_PATH) else root + BASE_PATH
        self._api_key = api_key
        self.retries = retries
        self.timeout = timeout
        self.max_retry_wait = max_retry_wait
        self.user_agent = user_agent
        self._sleep: Callable[[float], None] = time.sleep

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"

    def paginate(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
        """Every item of a list operation, page after page (following ``next``)."""
        cursor = kwargs.pop("cursor", None)
        while True:
            page = method(*args, cursor=cursor, **kwargs)
            yield from page.items or []
            cursor = page.next
            if not cursor:
                return

    def _call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any],
        query: Mapping[str, Any],
        headers: Mapping[str, Any],
        body: Any = None,
        has_body: bool = False,
        response: Optional[_codec.Codec] = None,
    ) -> Any:
        url = self.base_url + path.format(
            **{k: urllib.parse.quote(_param(v), safe="") for k, v in path_params.items()}
        )
        pairs = [
            (k, _param(item))
            for k, v in query.items()
            if v is not None
            for item in (v if isinstance(v, (list, tuple)) else [v])
        ]
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        sent = {k: _param(v) for k, v in headers.items() if v is not None}
        if method == "POST" and "Idempotency-Key" in headers and sent.get("Idempotency-Key") is None:
            sent["Idempotency-Key"] = str(uuid.uuid4())
        sent["Authorization"] = f"Bearer {self._api_key}"
        sent["Accept"] = "application/json"
        sent["User-Agent"] = self.user_agent
        data = None
        if has_body and body is not None:
            data = json.dumps(_codec.encode_body(body), default=_json_default).encode()
            sent["Content-Type"] = "application/json"
        status, answer_headers, raw = self._send(method, url, sent, data)
        if response is None or status == 204 or not raw:
            return None
        value = response.decode(json.loads(raw))
        if isinstance(value, _codec.Model):
            value._response = Response(status, answer_headers)  # type: ignore[attr-defined]
        return value

    def _send(
        self, method: str, url: str, headers: Dict[str, str], data: Optional[bytes]
    ) -> "tuple[int, Dict[str, str], bytes]":
        retry_safe = (
            method in _IDEMPOTENT_METHODS or "Idempotency-Key" in headers or "If-Match" in headers
        )
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return answer.status, dict(answer.headers.items()), answer.read()
            except urllib.error.HTTPError as failed:
                raw = failed.read()
                retry_after = _retry_after(failed.headers.get("Retry-After"))
                if failed.code in _RETRY_STATUSES and attempt < self.retries:
                    self._sleep(self._backoff(attempt, retry_after))
                    attempt += 1
                    continue
                raise error_for(failed.code, _problem(failed.code, raw), retry_after) from None
            except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as failed:
                if retry_safe and attempt < self.retries:
                    self._sleep(self._backoff(attempt, None))
                    attempt += 1
                    continue
                reason = getattr(failed, "reason", failed)
                raise TransportError(f"{method} {_safe_url(url)}: {reason}") from None

    def _backoff(self, attempt: int, retry_after: Optional[float]) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_wait)
        return min(0.25 * (2**attempt) * (1 + random.random()), self.max_retry_wait, 8.0)


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return str(_codec.DATETIME.encode(value))
    return str(value)


def _retry_after(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _problem(status: int, raw: bytes) -> Dict[str, Any]:
    try:
        body = json.loads(raw)
        if isinstance(body, dict):
            return body
    except ValueError:
        pass
    return {"status": status, "detail": raw.decode("utf-8", "replace")[:500]}


def _safe_url(url: str) -> str:
    """The URL without its query (which may carry values a log should not keep)."""
    return url.split("?", 1)[0]
