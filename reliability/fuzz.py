#!/usr/bin/env python3
"""API fuzzing from the spec (issue 9, part 2): Schemathesis against a seeded server.

Starts `xiaopu serve` on a fresh database, seeds a market through the API (a supplier with
listed goods, a shop, buyers), and runs Schemathesis over every operation of the served OpenAPI
document with the examples, coverage and fuzzing phases, each request carrying the token of the
role its operation declares (reliability/schemathesis_hooks.py). Fails on any server error
(5xx), any response that breaks its documented schema or content type, and any undocumented
status code.

  reliability/fuzz.py [--max-examples 25] [--schemathesis PATH] [--postgres URL]
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time

from harness import Attempt, Load, Market, common_arguments, report

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common_arguments(parser)
    parser.add_argument("--schemathesis", default="schemathesis", help="the CLI to run")
    parser.add_argument("--max-examples", type=int, default=25, help="cases an operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.clients = 1

    started = time.monotonic()
    with Market(args) as market:
        seeded = market.seeded
        tokens = {"admin": seeded.admin, "supplier": seeded.supplier,
                  "shopkeeper": seeded.keeper, "member": seeded.tokens[0]}
        # A paid order, so that the order operations have one to work on.
        load = Load(market.api, seeded.pairs, seeded.tokens)
        order = Attempt(0, load.order_body(random.Random(args.seed)))
        load.complete(order)
        item_id, sku_id = seeded.pairs[0]
        ids = {"shop_id": seeded.shop_id, "shop_no": seeded.shop_no, "item_id": item_id,
               "sku_id": sku_id, "order_id": order.order_id}
        here = os.path.dirname(os.path.abspath(__file__))
        env = {**os.environ, "XIAOPU_FUZZ_TOKENS": json.dumps(tokens), "XIAOPU_FUZZ_IDS": json.dumps(ids),
               "PYTHONPATH": here, "SCHEMATHESIS_HOOKS": "schemathesis_hooks"}
        # One worker: with two, Hypothesis (parsing its lambdas' source in each thread) failed
        # now and then inside CPython 3.11.7 with "AST constructor recursion depth mismatch".
        run = subprocess.run(
            [args.schemathesis, "run", f"http://127.0.0.1:{market.port}/openapi.json",
             "--phases", "examples,coverage,fuzzing", "--checks", CHECKS,
             "--max-examples", str(args.max_examples), "--seed", str(args.seed),
             "--workers", "1", "--request-timeout", "10", "--no-color"],
            env=env, capture_output=True, text=True)
        output = run.stdout + run.stderr
        print(output)
        cases = re.search(r"(\d+) generated", output)
        document = market.api.ok("GET", "/openapi.json")
        figures = {
            "database": "postgresql" if args.postgres else "sqlite",
            "operations": sum(len(methods) for methods in document["paths"].values()),
            "cases": int(cases.group(1)) if cases else None,
            # The operations whose section heads a failure or an error in the report.
            "failing_operations": sorted(set(re.findall(r"^_+ (\S+ /\S+) _+$", output, re.MULTILINE))),
            "problems": [] if run.returncode == 0 else [f"schemathesis exited with {run.returncode}"],
            "seconds": round(time.monotonic() - started, 1),
        }
    return report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
