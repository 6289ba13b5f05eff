"""The JSON Schema (draft 2020-12) of the site's API files (:mod:`csdocs.site.api`).

Published with the site as ``api/v1/schema.json``. ``$defs/index`` is
``api/v1/index.json``, ``$defs/sop`` an ``api/v1/sops/<name>.json`` file and
``$defs/contactType`` an ``api/v1/contact-types/<slug>.json`` file; the
schema itself accepts any of the three. Objects are closed
(``additionalProperties: false``): a field added later raises ``format``.
"""

from __future__ import annotations

from typing import Any

API_NAME = "csdocs/v1"
# The shape of the files: raised whenever a field is added or changed (objects are closed).
# 2: format 1.1's fields -- a move's ``raises`` (escalate and continue), a step's ``every`` and
# ``until``, an escalation's ``response``.
FORMAT = 2

_TEXT_OR_NULL = {"type": ["string", "null"]}
_DATE_OR_NULL = {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"type": "null"}]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_MOVE = {"anyOf": [{"type": "null"}, {
    "type": "object", "additionalProperties": False, "required": ["kind", "raises", "target"],
    "properties": {"kind": {"enum": ["next", "escalate", "goto", "outcome"]}, "target": {"type": "string"},
                   "raises": _TEXT_OR_NULL},
}]}
_HEADER = {"api": {"const": API_NAME}, "format": {"const": FORMAT}}


def _closed(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": sorted(properties),
            "properties": properties}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "csdocs-api-v1.schema.json",
    "title": "csdocs site API, version 1",
    "oneOf": [{"$ref": "#/$defs/index"}, {"$ref": "#/$defs/sop"}, {"$ref": "#/$defs/contactType"}],
    "$defs": {
        "entry": _closed({
            "id": {"type": "string"}, "title": {"type": "string"}, "department": {"type": "string"},
            "status": {"type": "string"}, "contact_types": _STRINGS, "keywords": _STRINGS, "channels": _STRINGS,
            "priority": _TEXT_OR_NULL, "url": {"type": "string"}, "api": {"type": "string"},
            "version": _TEXT_OR_NULL, "last_reviewed": _DATE_OR_NULL,
        }),
        "index": _closed({
            **_HEADER,
            "sops": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
            "contact_types": {"type": "array", "items": _closed({
                "contact_type": {"type": "string"}, "slug": {"type": "string", "minLength": 1},
                "page": {"type": "string"}, "api": {"type": "string"}, "sops": _STRINGS,
            })},
        }),
        "contactType": _closed({
            **_HEADER,
            "contact_type": {"type": "string"}, "slug": {"type": "string", "minLength": 1},
            "page": {"type": "string"}, "sops": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
        }),
        "sop": _closed({
            **_HEADER,
            "id": {"type": "string"}, "title": {"type": "string"}, "department": {"type": "string"},
            "owner": _TEXT_OR_NULL, "purpose": {"type": "string"}, "status": {"type": "string"},
            "version": _TEXT_OR_NULL, "last_reviewed": _DATE_OR_NULL, "review_every": {"type": "string"},
            "next_review": _DATE_OR_NULL, "channels": _STRINGS, "contact_types": _STRINGS,
            "priority": _TEXT_OR_NULL, "tags": _STRINGS, "keywords": _STRINGS, "url": {"type": "string"},
            "definitions": {"type": "array", "items": _closed({"term": {"type": "string"},
                                                              "meaning": {"type": "string"}})},
            "sla": {"type": "object", "additionalProperties": {"anyOf": [  # one duration, or by priority (1.1)
                {"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]}},
            "tiers": {"type": "array", "items": _closed({"id": {"type": "string"}, "name": {"type": "string"},
                                                        "authority": _TEXT_OR_NULL})},
            "script": _closed({"greeting": _TEXT_OR_NULL, "questions": _STRINGS, "closing": _TEXT_OR_NULL}),
            "steps": {"type": "array", "items": _closed({
                "n": {"type": "integer", "minimum": 1}, "id": _TEXT_OR_NULL, "title": {"type": "string"},
                "anchor": {"type": "string"}, "url": {"type": "string"}, "stage": _TEXT_OR_NULL,
                "actor": _TEXT_OR_NULL, "action": _TEXT_OR_NULL, "say": _TEXT_OR_NULL,
                "automated": {"type": "boolean"}, "decision": _TEXT_OR_NULL,
                "every": _TEXT_OR_NULL, "until": _TEXT_OR_NULL,
                "branches": {"type": "array", "items": _closed({"answer": {"type": "string"}, "move": _MOVE})},
                "move": _MOVE,
            })},
            "escalations": {"type": "array", "items": _closed({
                "id": {"type": "string"}, "anchor": {"type": "string"}, "url": {"type": "string"},
                "trigger": _TEXT_OR_NULL, "from": _TEXT_OR_NULL, "to": _TEXT_OR_NULL, "owner": _TEXT_OR_NULL,
                "sla": _TEXT_OR_NULL, "response": _TEXT_OR_NULL, "handoff": {"anyOf": [_STRINGS, {"type": "null"}]},
            })},
            "metrics": {"type": "object", "additionalProperties": {"type": "string"}},
            "related": _STRINGS,
        }),
    },
}
