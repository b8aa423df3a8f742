#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: steering_policy
short_description: Manage Patronus traffic steering policies
version_added: 0.1.0
description:
  - Creates, updates or deletes one steering policy (which paths the overlay prefers for
    some traffic, and what happens when they miss their SLA) through the REST API v1.
  - A policy is identified by its I(name), unique within the org.
  - Sites, application classes, user groups and SLA classes are given by name; the module
    looks their ids up.
  - Changes bump the org's revision and roll out to the devices concerned.
options:
  name:
    description: Name of the policy (1 to 100 characters), unique within the org.
    type: str
    required: true
  state:
    description: C(present) creates or updates the policy, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  priority:
    description: The policy's place in the order (0 to 100000; lower wins). Required when I(state=present).
    type: int
  site:
    description: Name of the only site whose box applies the policy (every site's when the policy is created without one).
    type: str
  app_class:
    description: Name of the application class whose traffic the policy steers.
    type: str
  user_group:
    description: Name of the user group whose traffic the policy steers.
    type: str
  src_prefixes:
    description:
      - Source prefixes (IPv4 CIDR) whose traffic the policy steers.
      - A policy needs an application class, a user group or source prefixes.
    type: list
    elements: str
  preferred:
    description: Preferred paths, best first (at most 16).
    type: list
    elements: dict
    suboptions:
      site:
        description: Name of the remote site of the path.
        type: str
        required: true
      local_link:
        description: Name of the WAN link to leave by.
        type: str
      remote_link:
        description: Name of the remote site's WAN link to arrive on.
        type: str
  sla_class:
    description: Name of the SLA class the paths must meet.
    type: str
  on_violation:
    description: What to do when no preferred path meets the SLA (API default C(best_effort)).
    type: str
    choices: [best_effort, hold]
  enabled:
    description: Whether the policy applies (API default true).
    type: bool
extends_documentation_fragment:
  - patronus.sdwan.patronus
author:
  - Patronus contributors
"""

EXAMPLES = r"""
- name: Voice from Lyon goes over fiber to HQ's MPLS, held when it misses its SLA
  patronus.sdwan.steering_policy:
    org: acme
    name: voice-lyon
    priority: 10
    site: branch-lyon
    app_class: voice
    sla_class: realtime
    on_violation: hold
    preferred:
      - {site: hq, local_link: fiber, remote_link: mpls}
      - {site: hq, local_link: lte}

- name: Guest traffic policy is gone
  patronus.sdwan.steering_policy:
    org: acme
    name: guests
    state: absent
"""

RETURN = r"""
id:
  description: Id of the policy (null when it does not exist).
  returned: always
  type: str
steering_policy:
  description:
    - The policy as the API returns it (camelCase keys, references as ids); null once absent.
    - In check mode, what the policy would become.
  returned: always
  type: dict
  sample:
    id: clx0p2k3e0001pol
    name: voice-lyon
    priority: 10
    siteId: clx0p2k3e0001abcd
    appClassId: clx0p2k3e0001app
    userGroupId: null
    srcPrefixes: []
    preferred: [{siteId: clx0p2k3e0001hq, localLink: fiber, remoteLink: mpls}]
    slaClassId: clx0p2k3e0001sla
    onViolation: hold
    enabled: true
"""

from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import path_of
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_resource import (
    Resource,
    module_for,
    run_resource,
)

# Options naming another object: (option, API field, its list under the org, what it is).
REFERENCES = (
    ("site", "siteId", "sites", "site"),
    ("app_class", "appClassId", "app-classes", "application class"),
    ("user_group", "userGroupId", "user-groups", "user group"),
    ("sla_class", "slaClassId", "sla-classes", "SLA class"),
)


def resolved(ctx, fields):
    """Names given for sites and classes, as the ids the API takes."""
    for option, field, collection, label in REFERENCES:
        name = ctx.params.get(option)
        if name is not None:
            search = {"q": name} if collection == "sites" else None
            fields[field] = ctx.id_of(collection, label, name, search)
    if ctx.params.get("preferred") is not None:
        fields["preferred"] = [
            dict(siteId=ctx.site_id(p["site"]), **dict(
                (k, v) for k, v in (("localLink", p.get("local_link")),
                                    ("remoteLink", p.get("remote_link"))) if v is not None))
            for p in ctx.params["preferred"]]
    return fields


STEERING_POLICY = Resource(
    kind="steering_policy",
    fields=["name", "priority", "src_prefixes", "on_violation", "enabled"],
    api_fields=["name", "priority", "siteId", "appClassId", "userGroupId", "srcPrefixes",
                "preferred", "slaClassId", "onViolation", "enabled"],
    collection=lambda ctx: path_of("orgs", ctx.org, "steering-policies"),
    # The list's q filter takes up to 60 characters (names go to 100); the match is exact.
    search=lambda ctx: {"q": ctx.params["name"]} if len(ctx.params["name"]) <= 60 else None,
    desired=resolved,
)


def main():
    module = module_for(
        dict(
            name=dict(type="str", required=True),
            priority=dict(type="int"),
            site=dict(type="str"),
            app_class=dict(type="str"),
            user_group=dict(type="str"),
            src_prefixes=dict(type="list", elements="str"),
            preferred=dict(type="list", elements="dict", options=dict(
                site=dict(type="str", required=True),
                local_link=dict(type="str"),
                remote_link=dict(type="str"),
            )),
            sla_class=dict(type="str"),
            on_violation=dict(type="str", choices=["best_effort", "hold"]),
            enabled=dict(type="bool"),
        ),
        required_if=[("state", "present", ("priority",))],
    )
    run_resource(module, STEERING_POLICY)


if __name__ == "__main__":
    main()
