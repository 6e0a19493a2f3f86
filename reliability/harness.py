"""What the reliability scripts share: a fresh database, `xiaopu serve` as a child process that
can be killed, a small HTTP client, the seeded market, the order-and-pay client loop, and the
invariants a run must leave true."""

import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.parse
import uuid

PASSWORD = "Crash-Passw0rd!"
STOCK_PER_SKU = 1_000_000


class Unanswered(Exception):
    """The server did not do it: no answer (killed, restarting, the connection dropped
    mid-request), or 503, its way of saying "not now, retry"."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A fresh database for one run, and plain SQL over it for the checks."""

    def __init__(self, work, postgres_url):
        self.postgres_url = postgres_url
        if postgres_url:
            parts = urllib.parse.urlsplit(postgres_url)
            self.name = f"xiaopu_crash_{uuid.uuid4().hex[:10]}"
            self.admin_url = postgres_url
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
            self.psql_on(self.admin_url, f'CREATE DATABASE "{self.name}"')
        else:
            self.path = os.path.join(work, "crash.db")
            self.url = f"sqlite://{self.path}"

    @staticmethod
    def psql_on(url, sql):
        out = subprocess.run(
            ["psql", url, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def rows(self, sql):
        if self.postgres_url:
            return self.psql_on(self.url, sql)
        with sqlite3.connect(self.path) as conn:
            return [[str(v) for v in row] for row in conn.execute(sql).fetchall()]

    def scalar(self, sql):
        return int(self.rows(sql)[0][0])

    def drop(self):
        if self.postgres_url:
            self.psql_on(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Server:
    """`xiaopu serve` as a child process that can be killed without warning and started again."""

    def __init__(self, binary, env, log_path):
        self.binary, self.env, self.log_path = binary, env, log_path
        self.process = None

    def start(self, port):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server was not ready within 60 s; see {self.log_path}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Api:
    """JSON over HTTP to the server. `observer(path, status, seconds, retry_after)`, when set,
    sees every exchange (status None: no answer)."""

    def __init__(self, port, observer=None):
        self.port = port
        self.observer = observer

    def call(self, method, path, body=None, token=None, headers=None, timeout=15):
        all_headers = {"content-type": "application/json", **(headers or {})}
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        payload = None if body is None else json.dumps(body)
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            text = response.read().decode()
            is_json = "json" in (response.getheader("content-type") or "")
        except (OSError, http.client.HTTPException) as error:
            if self.observer:
                self.observer(path, None, time.monotonic() - started, None)
            raise Unanswered(str(error)) from error
        finally:
            conn.close()
        if self.observer:
            self.observer(path, response.status, time.monotonic() - started,
                          response.getheader("retry-after"))
        return response.status, (json.loads(text) if text and is_json else None)

    def expect(self, wanted, method, path, body=None, token=None, headers=None):
        """The reply of a call that must answer `wanted`; 503 raises Unanswered."""
        status, reply = self.call(method, path, body, token, headers)
        if status == 503:
            raise Unanswered(f"{method} {path}: 503")
        if status != wanted:
            raise RuntimeError(f"{method} {path}: {status} {reply}")
        return reply

    def ok(self, method, path, body=None, token=None):
        status, reply = self.call(method, path, body, token)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {reply}")
        return reply

    def login(self, email):
        return self.ok("POST", "/api/v1/auth/login", {"login": email, "password": PASSWORD})["access_token"]

    def member(self, email):
        self.ok("POST", "/api/v1/auth/register",
                {"email": email, "password": PASSWORD, "display_name": "Crash"})
        return self.login(email)


def id_number(seq):
    """A resident ID number with its GB 11643 check character."""
    body = f"11010519900101{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def seed(api, admin, buyers):
    """A supplier with three goods (two SKUs each), one shop curating them, and buyers: the
    orderable (shop item, SKU) pairs, the shop, and a token for each role."""
    supplier = api.member("supplier@crash.cn")
    application = api.ok("POST", "/api/v1/supplier/applications", {
        "company_name": "Crash Test Foods", "credit_code": "91350100M000100Y43",
        "registered_capital_fen": 500_000_000, "general_taxpayer": True,
        "contact": {"name": "Lin", "phone": "+8613800138000"},
        "categories": ["food-health.snacks"],
        "brand_authorisations": [{"brand": "CrashJoy", "chain": ["CrashJoy Ltd"],
                                  "valid_from": "2026-01-01", "valid_until": "2099-12-31"}],
        "procurement_vouchers": ["PV-CRASH-1"],
    }, supplier)
    supplier_row = api.ok("POST", f"/api/v1/admin/supplier-applications/{application['id']}/approve", {}, admin)
    api.ok("POST", f"/api/v1/admin/suppliers/{supplier_row['id']}/deposit/payments",
           {"amount_fen": 1_500_000, "reference": "BANK-CRASH"}, admin)
    goods = []
    for n in range(3):
        created = api.ok("POST", "/api/v1/supplier/goods", {
            "title": f"CrashJoy snack {n + 1}", "description": "For the crash test.",
            "category": "food-health.snacks", "brand": "CrashJoy",
            "image_urls": ["https://127.0.0.1:9/goods.jpg"],
            "skus": [{"attributes": {"size": size}, "price_fen": 990 + 100 * n + k, "stock": STOCK_PER_SKU}
                     for k, size in enumerate(["small", "large"])],
            "reference_price_fen": 9900, "market_commission_bps": 1500, "commission_bps": 2000,
        }, supplier)
        api.ok("POST", f"/api/v1/supplier/goods/{created['id']}/list", {}, supplier)
        goods.append(created)

    keeper = api.member("keeper@crash.cn")
    me = api.ok("GET", "/api/v1/me", token=keeper)
    api.ok("PUT", f"/api/v1/admin/members/{me['id']}/credit-score", {"score": 720}, admin)
    verification = api.ok("POST", "/api/v1/me/verification",
                          {"legal_name": "林小明", "id_number": id_number(1)}, keeper)
    api.ok("POST", f"/api/v1/admin/verifications/{verification['id']}/approve", {}, admin)
    shop = api.ok("POST", "/api/v1/shops", {"name": "崩溃测试小店"}, keeper)
    pairs = []
    for g in goods:
        item = api.ok("POST", f"/api/v1/me/shops/{shop['id']}/items",
                      {"goods_id": g["id"], "recommendation": "Survives a crash."}, keeper)
        pairs += [(item["id"], sku["id"]) for sku in g["skus"]]
    tokens = [api.member(f"buyer{n}@crash.cn") for n in range(buyers)]
    return types.SimpleNamespace(pairs=pairs, tokens=tokens, shop_no=shop["shop_no"],
                                 shop_id=shop["id"], admin=admin, supplier=supplier, keeper=keeper)


class Attempt:
    """One order the client meant to place and pay, with the key it used."""

    def __init__(self, buyer, body):
        self.buyer = buyer
        self.body = body
        self.key = str(uuid.uuid4())
        self.order_id = None        # from the first 201 the client saw (acknowledged)
        self.paid = False


class Load:
    """Client threads placing and paying orders until told to stop; a request the server never
    answered is left for the recovery pass."""

    def __init__(self, api, pairs, tokens):
        self.api, self.pairs, self.tokens = api, pairs, tokens
        self.attempts, self.lock = [], threading.Lock()
        self.stop = threading.Event()
        self.unanswered = 0
        self.failures = []

    def order_body(self, rng):
        lines = [{"shop_item_id": item, "sku_id": sku, "quantity": rng.randint(1, 3)}
                 for item, sku in rng.sample(self.pairs, rng.randint(1, 2))]
        return {"lines": lines, "address": {"name": "王小明", "phone": "13812345678",
                                            "region": "浙江省 杭州市 西湖区", "detail": "文三路 100 号"}}

    def client(self, n):
        rng = random.Random(n)
        while not self.stop.is_set():
            attempt = Attempt(n % len(self.tokens), self.order_body(rng))
            with self.lock:
                self.attempts.append(attempt)
            try:
                self.complete(attempt)
            except Unanswered:
                with self.lock:
                    self.unanswered += 1
                time.sleep(0.05)
            except RuntimeError as error:
                with self.lock:
                    self.failures.append(str(error))

    def complete(self, attempt):
        """Places (or replays) the attempt's order and pays it, unless it was paid already."""
        token = self.tokens[attempt.buyer]
        reply = self.api.expect(201, "POST", "/api/v1/orders", attempt.body, token,
                                {"Idempotency-Key": attempt.key})
        if attempt.order_id is not None and attempt.order_id != reply["id"]:
            raise RuntimeError(f"key {attempt.key} answered order {attempt.order_id}, now {reply['id']}")
        attempt.order_id = reply["id"]
        if attempt.paid:
            return
        order = f"/api/v1/orders/{attempt.order_id}"
        status, payment = self.api.call("POST", f"{order}/pay", None, token)
        if status == 409 and payment["code"] == "illegal_transition":
            # Paid before the crash (the answer to the completion was lost): nothing to do.
            if self.api.expect(200, "GET", order, token=token)["status"] == "paid":
                attempt.paid = True
                return
        if status == 503:
            raise Unanswered(f"POST {order}/pay: 503")
        if status != 200:
            raise RuntimeError(f"paying order {attempt.order_id}: {status} {payment}")
        self.api.expect(200, "POST", f"/api/v1/payments/sandbox/{payment['payment_no']}/complete",
                        token=token)
        attempt.paid = True

    def recover(self):
        """Every attempt again with its own key, until each is placed and paid: an acknowledged
        order must come back the same, an unanswered one is placed now or replayed."""
        for attempt in self.attempts:
            for _ in range(100):
                try:
                    self.complete(attempt)
                    break
                except Unanswered:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"the server stays unreachable for {attempt.key}")


def check(market, attempts):
    """The invariants every order-and-pay run must leave; a list of what does not hold."""
    db = market.db
    problems = []
    order_ids = {a.order_id for a in attempts}
    in_db = {int(r[0]) for r in db.rows("SELECT id FROM orders")}
    if len(order_ids) != len(attempts):
        problems.append(f"{len(attempts)} keys gave {len(order_ids)} distinct orders")
    if in_db != order_ids:
        problems.append(f"orders no key produced: {sorted(in_db - order_ids)[:10]}; "
                        f"keys whose order is missing: {sorted(order_ids - in_db)[:10]}")
    for label, sql in [
        ("orders without lines",
         "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"),
        ("orders without a supplier part",
         "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM supplier_orders s WHERE s.order_id = o.id)"),
        ("orders whose lines do not add up to the total",
         "SELECT COUNT(*) FROM orders o WHERE o.total_fen <> "
         "(SELECT COALESCE(SUM(l.amount_fen), 0) FROM order_lines l WHERE l.order_id = o.id)"),
        ("orders still awaiting payment after recovery",
         "SELECT COUNT(*) FROM orders WHERE status = 'pending_payment' OR paid_at IS NULL"),
        ("paid orders without a succeeded payment and its ledger posting",
         "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p "
         "JOIN ledger_postings lp ON lp.business_key = 'payment:' || p.payment_no "
         "WHERE p.order_id = o.id AND p.status IN ('succeeded', 'refunded'))"),
        ("orders cancelled after payment without a refund and its ledger posting",
         "SELECT COUNT(*) FROM orders o WHERE o.status = 'cancelled' AND NOT EXISTS ("
         "SELECT 1 FROM refunds r JOIN ledger_postings lp ON lp.business_key = 'refund:' || r.refund_no "
         "WHERE r.order_id = o.id)"),
        ("orders with more than one succeeded payment",
         "SELECT COUNT(*) FROM (SELECT order_id FROM payments WHERE status IN ('succeeded', 'refunded') "
         "GROUP BY order_id HAVING COUNT(*) > 1) twice"),
    ]:
        count = db.scalar(sql)
        if count:
            problems.append(f"{label}: {count}")
    # A cancelled order's stock comes back; every other order's stays sold.
    for sku, stock, sold in db.rows(
            "SELECT s.id, s.stock, (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id WHERE l.sku_id = s.id AND o.status <> 'cancelled') "
            "FROM goods_skus s"):
        if int(stock) + int(sold) != STOCK_PER_SKU:
            problems.append(f"SKU {sku}: stock {stock} + sold {sold} != {STOCK_PER_SKU}")
    ledger = subprocess.run([market.binary, "ledger", "check"], env=market.env, capture_output=True, text=True)
    if ledger.returncode != 0:
        problems.append(f"xiaopu ledger check: {ledger.stdout}{ledger.stderr}")
    return problems




def common_arguments(parser, postgres=True):
    """The options every reliability script takes; --postgres URL where a script runs on any
    PostgreSQL server."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "debug", "xiaopu"),
                        help="the xiaopu binary (default: the debug build)")
    if postgres:
        parser.add_argument("--postgres", metavar="URL",
                            help="run on a new database on this PostgreSQL server (default: SQLite)")
    parser.add_argument("--clients", type=int, default=6, help="client threads, one buyer each")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")


class Market:
    """A fresh database and server, seeded through the API: `with Market(args) as m:`."""

    def __init__(self, args, postgres_url=None, settings=None):
        self.binary = args.bin
        self.work = tempfile.mkdtemp(prefix="xiaopu-reliability-")
        self.db = Database(self.work, postgres_url or getattr(args, "postgres", None))
        self.port = free_port()
        self.env = {**os.environ, "DATABASE_URL": self.db.url, "XIAOPU__ENVIRONMENT": "test",
                    "XIAOPU__SERVER__HOST": "127.0.0.1", "XIAOPU__SERVER__PORT": str(self.port),
                    "XIAOPU__JOBS__SCHEDULER_ENABLED": "false",
                    "XIAOPU__RATE_LIMIT__AUTH_MAX_REQUESTS": "100000",
                    "XIAOPU__LOG__LEVEL": "warn", **(settings or {})}
        self.server = Server(self.binary, self.env, os.path.join(self.work, "server.log"))
        self.api = Api(self.port)
        self.clients = args.clients

    def __enter__(self):
        try:
            admin_email = "admin@reliability.cn"
            subprocess.run([self.binary, "admin", "create", "--email", admin_email, "--password-stdin"],
                           env=self.env, input=PASSWORD, text=True, check=True, capture_output=True)
            self.server.start(self.port)
            self.seeded = seed(self.api, self.api.login(admin_email), self.clients)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, kind, error, trace):
        self.server.stop()
        self.db.drop()
        if kind is None:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"the server's log is {self.server.log_path}", file=sys.stderr)
        return False


def report(figures, json_path):
    """Prints the figures and writes them to --json; the exit status: 1 if a problem was found."""
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if json_path:
        with open(json_path, "w") as out:
            json.dump(figures, out, indent=2, ensure_ascii=False)
    return 1 if figures["problems"] else 0
