#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: policy_rule
short_description: Manage Patronus micro-segmentation policy rules
version_added: 0.1.0
description:
  - Creates, updates or deletes one policy rule (allow or deny traffic between prefixes)
    through the REST API v1.
  - Rules have no name in the API, so a rule is identified by its I(priority) within its
    I(site) (or among the org's global rules when I(site) is not given), as an access
    list entry is by its sequence number. Moving a rule to another priority is deleting
    it at the old one and creating it at the new one.
  - Changes bump the org's revision and roll out to the devices concerned.
options:
  site:
    description:
      - Name of the site the rule applies to. Without it, the rule is global (every site).
    type: str
  priority:
    description: The rule's place in the order (0 to 100000; lower is evaluated first).
    type: int
    required: true
  state:
    description: C(present) creates or updates the rule, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  action:
    description: What the rule does with matching traffic. Required when I(state=present).
    type: str
    choices: [allow, deny]
  src:
    description: Source prefix (IPv4 CIDR). Required when I(state=present).
    type: str
  dst:
    description: Destination prefix (IPv4 CIDR). Required when I(state=present).
    type: str
  proto:
    description: Protocol matched (API default C(any)).
    type: str
    choices: [tcp, udp, icmp, any]
  ports:
    description: Destination port range, for C(tcp) or C(udp) only.
    type: dict
    suboptions:
      lo:
        description: First port.
        type: int
        required: true
      hi:
        description: Last port (the same as I(lo) for one port).
        type: int
        required: true
  description:
    description: Free text about the rule (up to 200 characters).
    type: str
extends_documentation_fragment:
  - patronus.sdwan.patronus
author:
  - Patronus contributors
"""

EXAMPLES = r"""
- name: No telnet from the guest LAN of Lyon
  patronus.sdwan.policy_rule:
    org: acme
    site: branch-lyon
    priority: 100
    action: deny
    src: 10.20.50.0/24
    dst: 0.0.0.0/0
    proto: tcp
    ports: {lo: 23, hi: 23}
    description: no telnet from guests

- name: Global rule 10 is gone
  patronus.sdwan.policy_rule:
    org: acme
    priority: 10
    state: absent
"""

RETURN = r"""
id:
  description: Id of the rule (null when it does not exist).
  returned: always
  type: str
policy_rule:
  description:
    - The rule as the API returns it (camelCase keys); null once absent.
    - In check mode, what the rule would become.
  returned: always
  type: dict
  sample:
    id: clx0p2k3e0001rule
    siteId: clx0p2k3e0001abcd
    priority: 100
    action: deny
    src: 10.20.50.0/24
    dst: 0.0.0.0/0
    proto: tcp
    ports: {lo: 23, hi: 23}
    description: no telnet from guests
"""

from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import path_of
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_resource import (
    Resource,
    module_for,
    run_resource,
)


def site_of(ctx):
    """The rule's site id (None: a global rule; the lookup is cached)."""
    return ctx.site_id(ctx.params["site"])


def rules(ctx):
    if ctx.placeholder(site_of(ctx)):
        return None
    return path_of("orgs", ctx.org, "policy-rules")


def with_site(ctx, fields):
    fields["siteId"] = site_of(ctx)
    return fields


POLICY_RULE = Resource(
    kind="policy_rule",
    fields=["priority", "action", "src", "dst", "proto", "ports", "description"],
    api_fields=["siteId", "priority", "action", "src", "dst", "proto", "ports", "description"],
    collection=rules,
    search=lambda ctx: {"siteId": site_of(ctx)} if site_of(ctx) else None,
    match=lambda ctx, rule: (rule.get("siteId") == site_of(ctx)
                             and rule.get("priority") == ctx.params["priority"]),
    desired=with_site,
)


def main():
    module = module_for(
        dict(
            site=dict(type="str"),
            priority=dict(type="int", required=True),
            action=dict(type="str", choices=["allow", "deny"]),
            src=dict(type="str"),
            dst=dict(type="str"),
            proto=dict(type="str", choices=["tcp", "udp", "icmp", "any"]),
            ports=dict(type="dict", options=dict(
                lo=dict(type="int", required=True),
                hi=dict(type="int", required=True),
            )),
            description=dict(type="str"),
        ),
        required_if=[("state", "present", ("action", "src", "dst"))],
    )
    run_resource(module, POLICY_RULE)


if __name__ == "__main__":
    main()
