"""Schemathesis hooks for reliability/fuzz.py: every request carries the token of the role its
operation declares in the OpenAPI document (security scopes), so that fuzzing reaches the
handlers instead of stopping at 401 and 403."""

import json
import os

import schemathesis

TOKENS = json.loads(os.environ["XIAOPU_FUZZ_TOKENS"])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    security = case.operation.definition.raw.get("security") or [{}]
    scopes = security[0].get("bearer")
    if scopes is None:
        return  # public
    role = scopes[0] if scopes else "member"
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKENS[role]}"}
