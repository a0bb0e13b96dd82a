"""The OpenAPI schema tells what the API really answers (issue 9, item 2).

`document_errors` (a drf-spectacular post-processing hook) adds the contract's error answers to every
operation: `{"code", "detail", "fields"}` for 400 (invalid input, a rule), 401, 403, 404 and, for
writes, 409 (conflict) and 413 (body too large). An operation that documents one itself keeps its own.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's error format (api-contract.md).",
    "required": ["code", "detail", "fields"],
    "properties": {
        "code": {"type": "string", "description": "A rule id (R-…) or an error code."},
        "detail": {"type": "string"},
        "fields": {"type": "object", "description": "Per field (or \"non_field_errors\"): what is wrong with it."},
    },
}

DESCRIPTIONS = {
    "400": "Invalid input, or a business rule refuses it",
    "401": "Not authenticated",
    "403": "The role may not do this",
    "404": "No such object",
    "405": "Method not allowed",
    "409": "Conflict: a state change out of order, or the same key with a different body",
    "413": "Request body too large",
}
READ_ERRORS = ("400", "401", "403", "404", "405")
WRITE_ERRORS = (*READ_ERRORS, "409", "413")


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in WRITE_ERRORS if method != "get" else READ_ERRORS:
                responses.setdefault(code, {"description": DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": ref}}})
        patch = item.get("patch", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        if "$ref" in patch.get("schema", {}):
            name = patch["schema"]["$ref"].rsplit("/", 1)[1]
            result["components"]["schemas"][name]["additionalProperties"] = False  # unknown keys → 400
    return result


class DeskAutoSchema(AutoSchema):
    """List filters are documented where they apply: list routes. A detail route that answers a list
    (`/complaints/{n}/events/`) ignores them (servicedesk.api.filters.DeskFilterBackend), so it documents none."""

    def get_filter_backends(self):
        if getattr(self.view, "detail", False):
            return []
        return super().get_filter_backends()


def drop_slash_aliases(endpoints):
    """Schema preprocessing: a file route served with and without a trailing slash (`note.pdf`, `note.pdf/`)
    is one operation; keep the path without the slash so each operation id is unique."""
    paths = {path for path, *_rest in endpoints}
    return [(path, pattern, method, callback) for path, pattern, method, callback in endpoints
            if not (path.endswith("/") and "." in path.rsplit("/", 2)[-2] and path[:-1] in paths)]
