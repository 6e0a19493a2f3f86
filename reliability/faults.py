#!/usr/bin/env python3
"""Database faults (issue 9, part 4): the server under load while its database misbehaves.

Runs `xiaopu serve` (pool of 4, 1 s checkout and lock timeouts) with clients placing and paying
orders and browsing a shop, plus a monitor polling /readyz, and injects, in turn:

  PostgreSQL (a throwaway cluster of its own, made with initdb, so that stopping it disturbs no
  one else):
    - terminate:  every connection of the server killed by pg_terminate_backend, three times;
    - exhaust:    a table the requests need locked for 4 s, so that every pooled connection
                  waits on it and the pool runs dry;
    - restart:    PostgreSQL stopped for 5 s, then started again.
  SQLite:
    - locked:     another process holds the write lock for 4 s.

Expected, and checked: no 5xx but 503, every 503 with Retry-After, no request longer than the
timeouts allow, /readyz red during an outage and green after it, service back without restarting
xiaopu, and afterwards (every order retried with its key and paid) the invariants of crash.py:
no order half-written, stock and ledger consistent. Exit status 0 when all hold.

  reliability/faults.py [--database sqlite|postgresql] [--clients 6]
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

from harness import Api, Load, Market, Unanswered, check, common_arguments, free_port, report

TIMEOUT_MS = 1000
# A request may wait for a connection, then for a lock: anything longer is a hang.
LONGEST_ALLOWED_SECONDS = 2 * TIMEOUT_MS / 1000 + 1.5
SETTINGS = {
    "XIAOPU__DATABASE__POOL_MAX_SIZE": "4",
    "XIAOPU__DATABASE__CHECKOUT_TIMEOUT_MS": str(TIMEOUT_MS),
    "XIAOPU__DATABASE__POSTGRES_LOCK_TIMEOUT_MS": str(TIMEOUT_MS),
    "XIAOPU__DATABASE__SQLITE_BUSY_TIMEOUT_MS": str(TIMEOUT_MS),
    "XIAOPU__DATABASE__RETRY_AFTER_SECONDS": "1",
}


class Cluster:
    """A PostgreSQL server of this run's own, in a temporary directory."""

    def __init__(self):
        bindirs = sorted(d for d in os.listdir("/usr/lib/postgresql"))
        self.bin = f"/usr/lib/postgresql/{bindirs[-1]}/bin"
        self.dir = os.path.realpath(os.path.join("/tmp", f"xiaopu-faults-pg-{os.getpid()}"))
        os.makedirs(self.dir)
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        # initdb refuses to run as root.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, tool, *args):
        subprocess.run([*self.as_owner, f"{self.bin}/{tool}", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off")

    def stop(self):
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Observations:
    """Every exchange with the server, timed, and the monitor's /readyz answers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.exchanges = []  # (at, path, status, seconds, retry_after)
        self.ready = []      # (at, status)

    def observe(self, path, status, seconds, retry_after):
        with self.lock:
            self.exchanges.append((time.monotonic(), path, status, seconds, retry_after))

    def first_after(self, moment, wanted):
        """Seconds from `moment` to the first exchange `wanted(path, status)` accepts."""
        with self.lock:
            times = [at - seconds - moment for at, path, status, seconds, _ in self.exchanges
                     if at - seconds >= moment and wanted(path, status)]
        return round(min(times), 2) if times else None


def browse(api, shop_no, stop):
    while not stop.is_set():
        try:
            api.call("GET", f"/api/v1/shops/{shop_no}/items")
        except Unanswered:
            pass
        time.sleep(0.02)


def monitor(port, observations, stop):
    api = Api(port)
    while not stop.is_set():
        try:
            status, _ = api.call("GET", "/readyz", timeout=5)
        except Unanswered:
            status = None
        with observations.lock:
            observations.ready.append((time.monotonic(), status))
        time.sleep(0.1)


def postgres_faults(market, cluster):
    """The faults, each as (name, inject); inject returns the moment the fault ended."""
    name = market.db.name

    def terminate():
        terminated = 0
        for _ in range(3):
            terminated += int(market.db.psql_on(
                cluster.url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")[0][0])
            time.sleep(1)
        print(f"faults: {terminated} connections of the server terminated", file=sys.stderr)
        return time.monotonic()

    def exhaust():
        market.db.psql_on(market.db.url,
                          "BEGIN; LOCK TABLE goods_skus IN ACCESS EXCLUSIVE MODE; "
                          "SELECT pg_sleep(4); COMMIT;")
        return time.monotonic()

    def restart():
        cluster.stop()
        time.sleep(5)
        cluster.start()
        return time.monotonic()

    return [("terminate", terminate), ("exhaust", exhaust), ("restart", restart)]


def sqlite_faults(market):
    def locked():
        # A connection of another process (this script) holding SQLite's one write lock.
        with sqlite3.connect(market.db.path, isolation_level=None) as conn:
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(4)
            conn.execute("ROLLBACK")
        return time.monotonic()

    return [("locked", locked)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    common_arguments(parser, postgres=False)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    started = time.monotonic()
    cluster = Cluster() if args.database == "postgresql" else None
    try:
        observations = Observations()
        with Market(args, cluster.url if cluster else None, SETTINGS) as market:
            market.api.observer = observations.observe
            load = Load(market.api, market.seeded.pairs, market.seeded.tokens)
            stop = threading.Event()
            threads = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
            threads += [threading.Thread(target=browse, args=(market.api, market.seeded.shop_no, stop)),
                        threading.Thread(target=monitor, args=(market.port, observations, stop))]
            for thread in threads:
                thread.start()

            faults = []
            time.sleep(2)
            for name, inject in (postgres_faults(market, cluster) if cluster else sqlite_faults(market)):
                began = time.monotonic()
                ended = inject()
                faults.append({"fault": name, "began": began, "ended": ended})
                time.sleep(3)
            load.stop.set()
            stop.set()
            for thread in threads:
                thread.join()
            market.api.observer = None
            for fault in faults:
                began, ended = fault.pop("began"), fault.pop("ended")
                fault["seconds"] = round(ended - began, 1)
                fault["answered_503"] = sum(1 for at, _, status, seconds, _ in observations.exchanges
                                            if status == 503 and began <= at - seconds <= ended)
                fault["readyz_red"] = any(status != 200 for at, status in observations.ready
                                          if began <= at <= ended)
                # From the fault's end to the start of the first order placed after it.
                fault["recovery_seconds"] = observations.first_after(
                    ended, lambda path, status: path == "/api/v1/orders" and status == 201)

            exchanges = observations.exchanges
            problems = list(load.failures)
            server_errors = [e for e in exchanges if e[2] is not None and e[2] >= 500 and e[2] != 503]
            if server_errors:
                problems.append(f"{len(server_errors)} answers 5xx other than 503, e.g. {server_errors[:3]}")
            unavailable = [e for e in exchanges if e[2] == 503]
            if any(e[4] is None for e in unavailable):
                problems.append("a 503 without Retry-After")
            unanswered = [e for e in exchanges if e[2] is None]
            if unanswered:
                problems.append(f"{len(unanswered)} requests got no answer at all, e.g. {unanswered[:3]}")
            longest = max(e[3] for e in exchanges)
            if longest > LONGEST_ALLOWED_SECONDS:
                problems.append(f"a request took {longest:.1f} s (allowed {LONGEST_ALLOWED_SECONDS} s)")
            for fault in faults:
                if fault["recovery_seconds"] is None:
                    problems.append(f"no order succeeded after {fault['fault']}")
            if cluster and not next(f for f in faults if f["fault"] == "restart")["readyz_red"]:
                problems.append("/readyz stayed green while PostgreSQL was down")
            if observations.ready[-1][1] != 200:
                problems.append("/readyz is not green at the end")

            load.recover()
            problems += check(market, load.attempts)
            figures = {
                "database": args.database,
                "clients": args.clients,
                "requests": len(exchanges),
                "answered_503": len(unavailable),
                "answered_5xx_other": len(server_errors),
                "longest_request_seconds": round(longest, 2),
                "orders": len(load.attempts),
                "faults": faults,
                "problems": problems,
                "seconds": round(time.monotonic() - started, 1),
            }
    finally:
        if cluster:
            cluster.destroy()
    return report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
