#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: site
short_description: Manage Patronus sites
version_added: 0.1.0
description:
  - Creates, updates or deletes a site of a Patronus organization through the REST API v1.
  - A site is identified by its I(name), which is unique within the org.
  - Changing a site's settings bumps the org's revision and rolls out to its devices.
options:
  name:
    description: Name of the site (1 to 60 characters), unique within the org.
    type: str
    required: true
  state:
    description:
      - C(present) creates or updates the site, C(absent) deletes it.
      - The API refuses to delete a site that still has active or pending devices.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Free text about the site (up to 500 characters).
    type: str
  settings:
    description:
      - Interfaces and addresses of the site's edge box.
      - Merged onto the current settings; keys not given keep their value (or the
        API's default on creation).
    type: dict
    suboptions:
      wan:
        description: WAN interface name (API default C(eth0)).
        type: str
      lan:
        description: LAN interface name (API default C(eth1)).
        type: str
      wan_address:
        description: IPv4 address of the WAN interface.
        type: str
      wan_ingress:
        description: How the data plane attaches to the WAN interface (API default C(generic)).
        type: str
        choices: [native, generic, tc]
      default_action:
        description: What the site's policy does with traffic no rule matches (API default C(allow)).
        type: str
        choices: [allow, deny]
      snat:
        description: Source NAT of LAN traffic leaving by the WAN.
        type: dict
        suboptions:
          from:
            description: LAN prefix to translate, in CIDR notation.
            type: str
            required: true
          to:
            description: Address to translate to.
            type: str
            required: true
extends_documentation_fragment:
  - patronus.sdwan.patronus
author:
  - Patronus contributors
"""

EXAMPLES = r"""
- name: A branch site with its WAN on eth2
  patronus.sdwan.site:
    url: https://patronus.example.com
    api_key: "{{ vault_patronus_api_key }}"
    org: acme
    name: branch-lyon
    description: Lyon office
    settings:
      wan: eth2
      default_action: deny

- name: Connection options from PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG
  patronus.sdwan.site:
    name: branch-lyon
    state: absent
"""

RETURN = r"""
id:
  description: Id of the site (null when it does not exist).
  returned: always
  type: str
  sample: clx0p2k3e0001abcd
site:
  description:
    - The site as the API returns it (camelCase keys); null once absent.
    - In check mode, what the site would become.
  returned: always
  type: dict
  sample:
    id: clx0p2k3e0001abcd
    name: branch-lyon
    description: Lyon office
    settings: {wan: eth2, lan: eth1, wanIngress: generic, defaultAction: deny}
    createdAt: "2026-12-01T10:00:00.000Z"
"""

from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import path_of
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_resource import (
    Resource,
    module_for,
    run_resource,
)

SITE = Resource(
    kind="site",
    fields=["name", "description", "settings"],
    collection=lambda ctx: path_of("orgs", ctx.org, "sites"),
    # The list's q filter (name contains, any case) narrows the pages read; the match is exact.
    search=lambda ctx: {"q": ctx.params["name"]},
)


def main():
    module = module_for(dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        settings=dict(type="dict", options=dict(
            wan=dict(type="str"),
            lan=dict(type="str"),
            wan_address=dict(type="str"),
            wan_ingress=dict(type="str", choices=["native", "generic", "tc"]),
            default_action=dict(type="str", choices=["allow", "deny"]),
            snat=dict(type="dict", options={
                "from": dict(type="str", required=True),
                "to": dict(type="str", required=True),
            }),
        )),
    ))
    run_resource(module, SITE)


if __name__ == "__main__":
    main()
