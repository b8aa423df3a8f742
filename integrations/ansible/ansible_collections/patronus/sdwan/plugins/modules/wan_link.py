#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: wan_link
short_description: Manage the WAN links of a Patronus site
version_added: 0.1.0
description:
  - Creates, updates or deletes one WAN link of a site (an uplink of the site's edge box
    that the overlay builds tunnels over) through the REST API v1.
  - A link is identified by its I(name) within its I(site); a link does not move between
    sites.
  - Changes bump the org's revision and roll out to the site's devices.
options:
  site:
    description: Name of the site the link belongs to.
    type: str
    required: true
  name:
    description: Name of the link (1 to 60 characters), unique within the site.
    type: str
    required: true
  state:
    description: C(present) creates or updates the link, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  kind:
    description: What the link is. Required when I(state=present).
    type: str
    choices: [broadband, fiber, lte, mpls]
  interface:
    description: Interface of the site's box the link is on. Required when I(state=present).
    type: str
  gateway:
    description: Next hop on the interface (none means on-link or learned).
    type: str
  public_address:
    description: Address peers send tunnel packets to (none means the link only dials out).
    type: str
  cost:
    description: Relative cost, the tie-breaker among paths that meet an SLA (lower wins; API default 10).
    type: int
  up_mbps:
    description: Upload capacity in Mbit/s (API default 100).
    type: int
  down_mbps:
    description: Download capacity in Mbit/s (API default 100).
    type: int
  metered:
    description: Whether traffic on the link costs by volume (API default false).
    type: bool
  enabled:
    description: Whether the overlay uses the link (API default true).
    type: bool
extends_documentation_fragment:
  - patronus.sdwan.patronus
author:
  - Patronus contributors
"""

EXAMPLES = r"""
- name: Fiber and LTE uplinks of the Lyon site
  patronus.sdwan.wan_link:
    org: acme
    site: branch-lyon
    name: "{{ item.name }}"
    kind: "{{ item.kind }}"
    interface: "{{ item.interface }}"
    public_address: "{{ item.address | default(omit) }}"
    metered: "{{ item.kind == 'lte' }}"
  loop:
    - {name: fiber, kind: fiber, interface: eth0, address: 198.51.100.20}
    - {name: lte, kind: lte, interface: wwan0}

- name: The old DSL line is gone
  patronus.sdwan.wan_link:
    org: acme
    site: branch-lyon
    name: dsl
    state: absent
"""

RETURN = r"""
id:
  description: Id of the link (null when it does not exist).
  returned: always
  type: str
wan_link:
  description:
    - The link as the API returns it (camelCase keys); null once absent.
    - In check mode, what the link would become.
  returned: always
  type: dict
  sample:
    id: clx0p2k3e0001wxyz
    siteId: clx0p2k3e0001abcd
    name: fiber
    kind: fiber
    interface: eth0
    gateway: null
    publicAddress: 198.51.100.20
    cost: 10
    upMbps: 100
    downMbps: 100
    metered: false
    enabled: true
"""

from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import path_of
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_resource import (
    Resource,
    module_for,
    run_resource,
)


def links_of_site(ctx):
    site_id = ctx.site_id(ctx.params["site"])
    if ctx.placeholder(site_id):
        return None
    return path_of("orgs", ctx.org, "sites", site_id, "wan-links")


WAN_LINK = Resource(
    kind="wan_link",
    fields=["name", "kind", "interface", "gateway", "public_address", "cost", "up_mbps",
            "down_mbps", "metered", "enabled"],
    collection=links_of_site,
    item=lambda ctx, collection, link_id: path_of("orgs", ctx.org, "wan-links", link_id),
    search=lambda ctx: {"q": ctx.params["name"]},
)


def main():
    module = module_for(
        dict(
            site=dict(type="str", required=True),
            name=dict(type="str", required=True),
            kind=dict(type="str", choices=["broadband", "fiber", "lte", "mpls"]),
            interface=dict(type="str"),
            gateway=dict(type="str"),
            public_address=dict(type="str"),
            cost=dict(type="int"),
            up_mbps=dict(type="int"),
            down_mbps=dict(type="int"),
            metered=dict(type="bool"),
            enabled=dict(type="bool"),
        ),
        required_if=[("state", "present", ("kind", "interface"))],
    )
    run_resource(module, WAN_LINK)


if __name__ == "__main__":
    main()
