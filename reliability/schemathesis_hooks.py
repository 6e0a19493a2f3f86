"""Schemathesis hooks for reliability/fuzz.py.

Every request carries the token of the role its operation declares in the OpenAPI document
(its security scopes), and half of the generated path ids are swapped for ids of the seeded
market, so that fuzzing reaches the handlers' logic instead of stopping at 401, 403 and 404."""

import json
import os

import schemathesis

TOKENS = json.loads(os.environ["XIAOPU_FUZZ_TOKENS"])
IDS = json.loads(os.environ["XIAOPU_FUZZ_IDS"])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    security = case.operation.definition.raw.get("security") or [{}]
    scopes = security[0].get("bearer")
    if scopes is None:
        return  # public
    role = scopes[0] if scopes else "member"
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKENS[role]}"}


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    for name, value in (path_parameters or {}).items():
        # Decided by the drawn value itself, so that a case replays the same.
        if name in IDS and hash(str(value)) % 2 == 0:
            path_parameters[name] = IDS[name]
    return path_parameters
