"""What the live tests share: the server, key and org from the environment, and a proxy
that puts faults (an answer lost, a 429, a 503) in front of the real API.

PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG name a running server, a key with every
site scope and an org with at least 120 sites (test/sdk/python-sdk.int.test.ts sets them).
"""

from __future__ import annotations

import http.client
import os
import sys
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from patronus import Client  # noqa: E402

URL = os.environ.get("PATRONUS_URL", "")
API_KEY = os.environ.get("PATRONUS_API_KEY", "")
ORG = os.environ.get("PATRONUS_ORG", "")

needs_server = unittest.skipUnless(
    URL and API_KEY and ORG, "set PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG"
)


def client(url: str = URL, **kwargs: object) -> Client:
    return Client(url, API_KEY, **kwargs)  # type: ignore[arg-type]


class FaultProxy:
    """A loopback proxy to the API. ``faults`` is consumed in order: each entry
    (method, fault) applies to the next request with that method; fault is an HTTP status
    to answer instead of forwarding (with Retry-After: 0), or "lose" to forward the request
    and then close the connection without answering."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.faults: List[Tuple[str, object]] = []
        self.seen: List[Tuple[str, str, Dict[str, str]]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                fault = proxy._take(self.command)
                with proxy.lock:
                    proxy.seen.append((self.command, self.path, headers))
                if isinstance(fault, int):
                    self.send_response(fault)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Type", "application/problem+json")
                    payload = b'{"status": %d, "code": "INJECTED", "title": "injected"}' % fault
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port)
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                if fault == "lose":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _take(self, method: str) -> Optional[object]:
        with self.lock:
            for i, (m, fault) in enumerate(self.faults):
                if m == method:
                    del self.faults[i]
                    return fault
        return None

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
