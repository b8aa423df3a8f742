"""Patronus API client (stdlib only).

    from patronus import Client
    client = Client("https://patronus.example", "pat_…")
    for site in client.iterate_site_list("acme"):
        print(site.name)
"""

from .client import Client, Response, etag_of, response_of
from .errors import (
    ApiError,
    ConflictError,
    FieldError,
    ForbiddenError,
    NotFoundError,
    PatronusError,
    PreconditionFailedError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnauthorizedError,
    ValidationError,
)
from .models import *  # noqa: F401,F403

__version__ = "1.0.0"
