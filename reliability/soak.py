#!/usr/bin/env python3
"""Soak (issue 9, part 6): a mixed workload at 70% of the measured peak for a long while.

The mix, per operation: 80% browsing (a shop, its items, an item, the shop's H5 page), 15% an
order placed and paid, 5% after-sales of an earlier order (shipped by the supplier and received
by the buyer, or cancelled after payment and refunded). First the peak: the same mix unpaced
from --clients threads for --peak-seconds. Then the soak, paced at --load of that peak, for
--minutes. Checked: no errors (every answer 2xx), p99 of the last window within 1.5 x the first,
and the server's resident memory not growing more than 10% from the end of the first window
(the warm-up) to the end. Then the invariants of crash.py (all orders retried and paid first).

  reliability/soak.py [--minutes 10] [--window 60] [--load 0.7] [--bin target/release/xiaopu]
"""

import argparse
import collections
import gc
import random
import re
import sys
import threading
import time

from harness import Attempt, Load, Market, Unanswered, check, common_arguments, report

P99_DRIFT_ALLOWED = 1.5
RSS_DRIFT_ALLOWED = 0.10


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class Workload:
    """The mix, run by client threads; records every exchange's start, path, status, seconds."""

    def __init__(self, market):
        self.market = market
        self.load = Load(market.api, market.seeded.pairs, market.seeded.tokens)
        self.lock = threading.Lock()
        self.exchanges = []
        self.operations = 0
        self.paid = collections.deque()  # (buyer, order id, supplier part id) for after-sales
        market.api.observer = self.observe

    def observe(self, path, status, seconds, _retry_after):
        with self.lock:
            self.exchanges.append((time.monotonic() - seconds, path, status, seconds))

    def browse(self, rng):
        shop = f"/api/v1/shops/{self.market.seeded.shop_no}"
        item, _ = rng.choice(self.market.seeded.pairs)
        path = rng.choice([shop, f"{shop}/items", f"{shop}/items/{item}",
                           f"/shop/{self.market.seeded.shop_no}"])
        self.market.api.call("GET", path)

    def order(self, rng, buyer):
        attempt = Attempt(buyer, self.load.order_body(rng))
        self.load.attempts.append(attempt)
        self.load.complete(attempt)
        view = self.market.api.expect(200, "GET", f"/api/v1/orders/{attempt.order_id}",
                                      token=self.market.seeded.tokens[buyer])
        with self.lock:
            self.paid.append((buyer, attempt.order_id, view["parts"][0]["id"]))

    def after_sales(self, rng):
        with self.lock:
            if not self.paid:
                return False
            buyer, order_id, part_id = self.paid.popleft()
        api, token = self.market.api, self.market.seeded.tokens[buyer]
        if rng.random() < 0.5:
            api.expect(200, "POST", f"/api/v1/supplier/orders/{part_id}/ship",
                       {"carrier": "SF", "tracking_no": f"SF{order_id:010d}"}, self.market.seeded.supplier)
            api.expect(200, "POST", f"/api/v1/orders/{order_id}/confirm-receipt", token=token)
        else:
            api.expect(200, "POST", f"/api/v1/orders/{order_id}/cancel", token=token)
        return True

    def one(self, rng, buyer):
        roll = rng.random()
        if roll >= 0.95 and self.after_sales(rng):
            pass
        elif roll >= 0.80:
            self.order(rng, buyer)
        else:
            self.browse(rng)
        with self.lock:
            self.operations += 1

    def run(self, clients, seconds, rate=None):
        """`clients` threads for `seconds`, each paced to its share of `rate` operations a
        second (unpaced without one). Returns the operations done a second."""
        stop_at = time.monotonic() + seconds
        done_before = self.operations

        def client(n):
            rng = random.Random(n)
            interval = clients / rate if rate else 0
            due = time.monotonic()
            while time.monotonic() < stop_at:
                try:
                    self.one(rng, n)
                except (Unanswered, RuntimeError) as error:
                    with self.lock:
                        self.load.failures.append(str(error))
                due += interval
                time.sleep(max(0, due - time.monotonic()))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return (self.operations - done_before) / seconds


def route_of(path):
    """A path with its ids and numbers generalised: /api/v1/orders/42/pay -> /api/v1/orders/{}/pay."""
    return re.sub(r"/[0-9P][0-9][^/]*", "/{}", path)


def p99_by_route(exchanges):
    routes = collections.defaultdict(list)
    for _, path, _, seconds in exchanges:
        routes[route_of(path)].append(seconds)
    return {route: round(p99(times) * 1000, 1) for route, times in sorted(routes.items())}


def p99(latencies):
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common_arguments(parser)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--window", type=float, default=60, help="seconds a p99 window spans")
    parser.add_argument("--load", type=float, default=0.7, help="the share of the peak to run at")
    parser.add_argument("--peak-seconds", type=float, default=15)
    args = parser.parse_args()

    with Market(args) as market:
        # The client keeps every exchange: with the cyclic collector on, its full passes over
        # them grow with the run and would show up as the server's latency.
        gc.disable()
        workload = Workload(market)
        peak = workload.run(args.clients, args.peak_seconds)
        target = peak * args.load
        started = time.monotonic()
        rss = []
        stop = threading.Event()

        def sample_memory():
            while not stop.wait(1):
                rss.append((time.monotonic(), rss_kib(market.server.process.pid)))

        sampler = threading.Thread(target=sample_memory)
        sampler.start()
        achieved = workload.run(args.clients, args.minutes * 60, target)
        stop.set()
        sampler.join()
        market.api.observer = None

        soak = [e for e in workload.exchanges if e[0] >= started]
        errors = [e for e in soak if e[2] is None or e[2] >= 400]
        first_window = [e for e in soak if e[0] < started + args.window]
        last_window = [e for e in soak if e[0] >= started + args.minutes * 60 - args.window]
        first, last = [e[3] for e in first_window], [e[3] for e in last_window]
        warm = [kib for at, kib in rss if at <= started + args.window]
        rss_warm, rss_end = warm[-1], rss[-1][1]
        problems = list(workload.load.failures)
        if errors:
            problems.append(f"{len(errors)} errors, e.g. {errors[:3]}")
        if p99(last) > P99_DRIFT_ALLOWED * p99(first):
            problems.append(f"p99 grew from {p99(first) * 1000:.1f} ms to {p99(last) * 1000:.1f} ms")
        if rss_end > rss_warm * (1 + RSS_DRIFT_ALLOWED):
            problems.append(f"resident memory grew from {rss_warm} KiB to {rss_end} KiB")

        workload.load.recover()
        problems += check(market, workload.load.attempts)
        last_by_route = p99_by_route(last_window)
        figures = {
            "database": "postgresql" if args.postgres else "sqlite",
            "clients": args.clients,
            "peak_operations_per_second": round(peak, 1),
            "target_operations_per_second": round(target, 1),
            "achieved_operations_per_second": round(achieved, 1),
            "minutes": args.minutes,
            "requests": len(soak),
            "errors": len(errors),
            "orders": len(workload.load.attempts),
            "p99_first_window_ms": round(p99(first) * 1000, 1),
            "p99_last_window_ms": round(p99(last) * 1000, 1),
            "p99_drift": round(p99(last) / p99(first), 2) if first else None,
            # Where the time goes, first window against last.
            "p99_ms_by_route": {route: [ms, last_by_route.get(route)]
                                for route, ms in p99_by_route(first_window).items()},
            "rss_after_warmup_kib": rss_warm,
            "rss_end_kib": rss_end,
            "rss_drift": round(rss_end / rss_warm - 1, 3),
            "problems": problems,
        }
    return report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
