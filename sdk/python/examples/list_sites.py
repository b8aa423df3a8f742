"""Lists an org's sites, every page.

    PATRONUS_URL=https://… PATRONUS_API_KEY=pat_… python3 examples/list_sites.py <org>
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from patronus import Client, UnauthorizedError  # noqa: E402


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: list_sites.py <org slug> (with PATRONUS_URL and PATRONUS_API_KEY set)")
        return 2
    client = Client(os.environ["PATRONUS_URL"], os.environ["PATRONUS_API_KEY"])
    try:
        for site in client.iterate_site_list(sys.argv[1], limit=100):
            print(f"{site.id}\t{site.name}\t{site.devices:g} devices")
    except UnauthorizedError:
        print("the API key was refused", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
