# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: devices
short_description: The devices of a Patronus organization
version_added: 0.1.0
description:
  - Lists the edge devices of one Patronus org through the REST API v1
    (C(GET /orgs/{org}/devices)), one host per device.
  - Groups them by site (C(site_<name>)), by status (C(status_active), C(status_pending),
    ...) and by reachability (C(online), C(offline)); all are in C(patronus_devices).
  - Hosts are named by the device's hostname; a hostname that two devices share gets the
    device id appended (C(<hostname>_<id>)) on each of them.
  - The configuration file's name must end with C(patronus.yml) or C(patronus.yaml).
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: Marks the file as this plugin's configuration.
    type: str
    required: true
    choices: [patronus.sdwan.devices]
  url:
    description:
      - Base URL of the Patronus portal; C(/api/v1) is added when missing.
    type: str
    required: true
    env:
      - name: PATRONUS_URL
  api_key:
    description:
      - An org API key (C(pat_...)) with the C(site.read) scope.
      - Prefer the environment variable to writing the key into the file.
    type: str
    required: true
    env:
      - name: PATRONUS_API_KEY
  org:
    description: Slug of the organization.
    type: str
    required: true
    env:
      - name: PATRONUS_ORG
  statuses:
    description:
      - Only devices in these statuses; all of them when empty.
    type: list
    elements: str
    default: []
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each HTTP answer.
    type: int
    default: 30
"""

EXAMPLES = r"""
# devices.patronus.yml (the key in PATRONUS_API_KEY):
#   ansible-inventory -i devices.patronus.yml --graph
plugin: patronus.sdwan.devices
url: https://patronus.example.com
org: acme
statuses: [active]
# The constructed options work on the host variables below:
keyed_groups:
  - key: patronus_agent_version
    prefix: agent
compose:
  needs_upgrade: patronus_agent_version != '1.4.0'
"""

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import (
    PatronusClient,
    PatronusError,
    path_of,
)

# Host variables: patronus_<name> from the API's device fields.
HOSTVARS = (
    ("device_id", "id"),
    ("site_id", "siteId"),
    ("site", "siteName"),
    ("hostname", "hostname"),
    ("status", "status"),
    ("online", "online"),
    ("tags", "tags"),
    ("agent_version", "agentVersion"),
    ("desired_revision", "desiredRevision"),
    ("reported_revision", "reportedRevision"),
    ("in_sync", "inSync"),
    ("apply_status", "applyStatus"),
    ("last_seen_at", "lastSeenAt"),
)


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = "patronus.sdwan.devices"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("patronus.yml", "patronus.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            client = PatronusClient(self.get_option("url"), self.get_option("api_key"),
                                    timeout=self.get_option("timeout"),
                                    validate_certs=self.get_option("validate_certs"))
            devices = client.list_all(path_of("orgs", self.get_option("org"), "devices"))
        except PatronusError as error:
            where = " (request %s)" % error.request_id if error.request_id else ""
            raise AnsibleParserError("Patronus devices of %s: %s%s"
                                     % (self.get_option("org"), error.detail, where))
        statuses = set(self.get_option("statuses") or [])
        self._add(sorted((d for d in devices if not statuses or d.get("status") in statuses),
                         key=lambda d: (d.get("hostname") or "", d["id"])))

    def _add(self, devices):
        strict = self.get_option("strict")
        names = [d.get("hostname") or d["id"] for d in devices]
        self.inventory.add_group("patronus_devices")
        for device, name in zip(devices, names):
            if names.count(name) > 1:
                name = "%s_%s" % (name, device["id"])
            host = self.inventory.add_host(name, group="patronus_devices")
            variables = dict(("patronus_" + var, device.get(field)) for var, field in HOSTVARS)
            for var, value in variables.items():
                self.inventory.set_variable(host, var, value)
            for group in ("site_" + (device.get("siteName") or device.get("siteId") or "none"),
                          "status_" + (device.get("status") or "unknown"),
                          "online" if device.get("online") else "offline"):
                self.inventory.add_child(
                    self.inventory.add_group(to_safe_group_name(group, force=True)), host)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host,
                                              strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host,
                                           strict=strict)
