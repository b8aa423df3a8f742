# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options every module of the collection takes.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the Patronus portal, for example C(https://patronus.example.com).
      - The API prefix C(/api/v1) is added when missing.
      - If not set, the environment variable C(PATRONUS_URL) is used.
    type: str
    required: true
  api_key:
    description:
      - An org API key (C(pat_...)) with the scopes the module needs.
      - If not set, the environment variable C(PATRONUS_API_KEY) is used.
      - Never logged.
    type: str
    required: true
  org:
    description:
      - Slug of the organization the object belongs to.
      - If not set, the environment variable C(PATRONUS_ORG) is used.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the server's TLS certificate. Only turn off for a lab portal.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP answer. Answers 429 and 503 are retried, waiting as
        long as their Retry-After header asks (at most 60 seconds, 5 times).
    type: int
    default: 30
notes:
  - Objects are identified by I(name) (within the org, or within the site where the
    object belongs to a site); the API's ids are returned but never needed.
  - Only the options given are compared and changed; dictionary options are merged onto
    the object's current value, so keys not given keep their value.
  - Updates send the object's ETag as C(If-Match), so a change made by someone else between
    the read and the write fails with HTTP 412 instead of being overwritten.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: all
"""
