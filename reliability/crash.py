#!/usr/bin/env python3
"""Crash safety (issue 9, part 3): orders and payments under load while the server is killed.

Starts `xiaopu serve` on a fresh database (SQLite, or a new PostgreSQL database with --postgres),
seeds a supplier, a shop and buyers through the JSON API, then runs order placements and
sandbox payments from several client threads while the server is `kill -9`ed at random moments
and restarted. Afterwards every request, acknowledged or not, is sent again with its original
Idempotency-Key, every order is paid, and the database is checked:

  - every key gives one order, the same one before and after the crash (acknowledged orders
    replay), and the database holds no order that no key produced;
  - no order without its lines and supplier part, lines that add up to the order's total;
  - every paid order has its succeeded payment and that payment's ledger posting;
  - `xiaopu ledger check` passes;
  - stock at the start = stock now + pieces sold (no order is cancelled here).

Exit status 0 when all hold; the figures go to stdout (and --json FILE).

  reliability/crash.py [--postgres URL] [--kills 20] [--clients 6] [--bin target/debug/xiaopu]
"""

import argparse
import random
import sys
import threading
import time

from harness import Load, Market, check, common_arguments, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common_arguments(parser)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None, help="for the kill moments")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    started = time.monotonic()
    with Market(args) as market:
        load = Load(market.api, market.seeded.pairs, market.seeded.tokens)
        clients = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
        for thread in clients:
            thread.start()
        downtime = 0.0
        for _ in range(args.kills):
            time.sleep(rng.uniform(0.2, 2.0))
            market.server.kill()
            down = time.monotonic()
            market.server.start(market.port)
            downtime += time.monotonic() - down
        time.sleep(0.5)
        load.stop.set()
        for thread in clients:
            thread.join()
        unanswered = sum(1 for a in load.attempts if not a.paid)
        acknowledged = {a.order_id for a in load.attempts if a.order_id is not None}
        load.recover()
        problems = load.failures + check(market, load.attempts)
        in_db = {int(row[0]) for row in market.db.rows("SELECT id FROM orders")}
        figures = {
            "database": "postgresql" if args.postgres else "sqlite",
            "kills": args.kills,
            "clients": args.clients,
            "attempts": len(load.attempts),
            "orders": len(in_db),
            "unanswered_during_run": unanswered,
            "acknowledged_before_recovery": len(acknowledged),
            "acknowledged_orders_lost": len(acknowledged - in_db),
            "restart_seconds_mean": round(downtime / max(args.kills, 1), 2),
            "problems": problems,
            "seconds": round(time.monotonic() - started, 1),
        }
    return report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
