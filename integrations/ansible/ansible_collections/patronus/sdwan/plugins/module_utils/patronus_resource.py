# -*- coding: utf-8 -*-
"""present/absent for one API object identified by name: what every module shares.

A module describes its object with a Resource (where its list lives, which options are
fields, how an item is matched) and calls run_resource(). Invariants:
- idempotent: only the fields the user gave are compared, and only changed ones are sent,
  so a second run with the same options changes nothing;
- check mode reads but never writes, and reports the same `changed` a real run would;
- dict fields (settings, match) are merged onto the current value: keys not given are kept;
- writes carry the object's ETag as If-Match, so a concurrent change fails instead of
  being overwritten.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible_collections.patronus.sdwan.plugins.module_utils.patronus_api import (
    PatronusClient,
    PatronusError,
    path_of,
)

COMMON_ARGS = dict(
    url=dict(type="str", required=True, fallback=(env_fallback, ["PATRONUS_URL"])),
    api_key=dict(type="str", required=True, no_log=True,
                 fallback=(env_fallback, ["PATRONUS_API_KEY"])),
    org=dict(type="str", required=True, fallback=(env_fallback, ["PATRONUS_ORG"])),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="int", default=30),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def camel(name):
    """wan_address -> wanAddress"""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def to_api(value):
    """Option values as the API spells them: snake_case keys to camelCase, None dropped."""
    if isinstance(value, dict):
        return dict((camel(k), to_api(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [to_api(v) for v in value]
    return value


def differs(current, desired):
    """True when `desired` says something `current` does not. A dict's keys absent from
    desired (server-side defaults, settings not given) are not compared; a list is
    replaced whole, so its dict items must not hold other values either."""
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return True
        return any(differs(current.get(k), v) for k, v in desired.items())
    if isinstance(desired, list):
        if not isinstance(current, list) or len(current) != len(desired):
            return True
        return any(differs(c, d) or _has_more(c, d) for c, d in zip(current, desired))
    return current != desired


def _has_more(current, desired):
    return (isinstance(current, dict) and isinstance(desired, dict)
            and any(v is not None and k not in desired for k, v in current.items()))


def merged(current, desired):
    """`desired` laid over `current`, dicts key by key (what the object becomes)."""
    if isinstance(current, dict) and isinstance(desired, dict):
        out = copy.deepcopy(current)
        for k, v in desired.items():
            out[k] = merged(current.get(k), v)
        return out
    return copy.deepcopy(desired)


class Resource:
    """One kind of API object. Every hook takes the run's Context first.

    kind: the return key (site, wan_link, ...). fields: the module options that are API
    fields, sent camelCased; api_fields: the API keys the module manages when they differ
    from those (references resolved by desired()). collection(ctx): the list's path, or
    None when the object's site does not exist (yet, in check mode). item(ctx, collection,
    id): one object's path (default: under the collection). search(ctx): extra list query
    narrowing the pages read (the match stays exact). match(ctx, obj): is this the object
    (default: same name). desired(ctx, fields): the API's view of the options (default:
    the fields as given).
    """

    def __init__(self, kind, fields, collection, api_fields=None, item=None, search=None,
                 match=None, desired=None):
        self.kind = kind
        self.fields = fields
        self.api_fields = api_fields or [camel(f) for f in fields]
        self.collection = collection
        self.item = item or (lambda ctx, collection, obj_id: "%s/%s" % (collection, obj_id))
        self.search = search or (lambda ctx: None)
        self.match = match or (lambda ctx, obj: obj.get("name") == ctx.params["name"])
        self.desired = desired or (lambda ctx, fields: fields)


class Context:
    """What a run's hooks see: the options, the client, check mode, and name lookups."""

    def __init__(self, module, client):
        self.params = module.params
        self.org = module.params["org"]
        self.client = client
        self.check_mode = module.check_mode
        self._ids = {}

    def id_of(self, collection, label, name, search=None):
        """The id of the org's `label` named `name` (None for None). A missing one fails,
        but stands as a placeholder in check mode (an earlier task may only have pretended
        to create it) and for state=absent (what it would contain is absent too)."""
        if name is None:
            return None
        key = (collection, name)
        if key not in self._ids:
            found = [o["id"] for o in self.client.list_all(
                path_of("orgs", self.org, *collection.split("/")), search)
                if o.get("name") == name]
            self._ids[key] = found[0] if found else None
        if self._ids[key]:
            return self._ids[key]
        if self.check_mode or self.params["state"] == "absent":
            return "(%s %s, absent)" % (label, name)
        raise PatronusError("org %s has no %s named %r" % (self.org, label, name),
                            status=404, code="NOT_FOUND")

    def site_id(self, name):
        return self.id_of("sites", "site", name, {"q": name})

    @staticmethod
    def placeholder(obj_id):
        return obj_id is not None and obj_id.startswith("(")


def module_for(argument_spec, **kwargs):
    spec = dict(COMMON_ARGS)
    spec.update(argument_spec)
    return AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)


def client_of(module):
    p = module.params
    return PatronusClient(p["url"], p["api_key"], timeout=p["timeout"],
                          validate_certs=p["validate_certs"])


def find(ctx, resource, collection):
    if collection is None:
        return None
    matches = [o for o in ctx.client.list_all(collection, resource.search(ctx))
               if resource.match(ctx, o)]
    if len(matches) > 1:
        raise PatronusError("%d %ss match %r: name them uniquely"
                            % (len(matches), resource.kind, ctx.params.get("name")))
    return matches[0] if matches else None


def managed(resource, obj):
    """The part of an object the module manages (what diff shows)."""
    if not obj:
        return {}
    keys = ["id"] + resource.api_fields
    return dict((k, copy.deepcopy(obj[k])) for k in keys if k in obj)


def run_resource(module, resource):
    """Brings the object to module.params['state'] and exits the module."""
    try:
        result = _run(module, Context(module, client_of(module)), resource)
    except PatronusError as error:
        module.fail_json(**error.as_fail_kwargs())
    module.exit_json(**result)


def _run(module, ctx, resource):
    collection = resource.collection(ctx)
    current = find(ctx, resource, collection)
    before = managed(resource, current)
    if ctx.params["state"] == "absent":
        return _absent(module, ctx, resource, collection, current, before)
    given = dict((f, ctx.params[f]) for f in resource.fields if ctx.params.get(f) is not None)
    desired = resource.desired(ctx, to_api(given))
    if current is None:
        return _create(module, ctx, resource, collection, desired)
    path = resource.item(ctx, collection, current["id"])
    return _update(module, ctx, resource, path, current, before, desired)


def _result(module, resource, changed, obj, before, after):
    result = dict(changed=changed, id=obj.get("id") if obj else None)
    result[resource.kind] = obj
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def _absent(module, ctx, resource, collection, current, before):
    if current and not ctx.check_mode:
        path = resource.item(ctx, collection, current["id"])
        _, etag = ctx.client.get_with_etag(path)
        ctx.client.delete(path, etag=etag)
    result = _result(module, resource, current is not None, None, before, {})
    result["id"] = current["id"] if current else None
    return result


def _create(module, ctx, resource, collection, desired):
    if ctx.check_mode:
        return _result(module, resource, True, desired, {}, desired)
    created = ctx.client.post(collection, desired)
    obj = ctx.client.get(resource.item(ctx, collection, created["id"]))
    return _result(module, resource, True, obj, {}, managed(resource, obj))


def _update(module, ctx, resource, path, current, before, desired):
    changed = dict((k, v) for k, v in desired.items() if differs(current.get(k), v))
    if not changed:
        return _result(module, resource, False, current, before, before)
    if ctx.check_mode:
        return _result(module, resource, True, merged(current, desired), before,
                       merged(before, desired))
    fresh, etag = ctx.client.get_with_etag(path)
    # Dict fields are sent whole (the API replaces them), merged onto their current value.
    body = dict((k, merged(fresh.get(k), v)) for k, v in changed.items())
    ctx.client.patch(path, body, etag=etag)
    obj = ctx.client.get(path)
    return _result(module, resource, True, obj, before, managed(resource, obj))
