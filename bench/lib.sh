# Shared by the bench/*.sh scripts: sourced, not run. Expects ROOT, BIN, PORT, BASE, workdir,
# PLAN_TOOL (a tool built with the bundled SQLite, for its version) and OHA (if used) to be set.

log() { echo "# $*" >&2; }

# Installs wrk from Debian's packages when missing.
need_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
}

# The machine and versions, as Markdown list items.
machine() {
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)"
  echo "- PostgreSQL: $(psql -d postgres -Atc 'SHOW server_version') (shared_buffers $(psql -d postgres -Atc 'SHOW shared_buffers'), max_connections $(psql -d postgres -Atc 'SHOW max_connections'))"
  echo "- SQLite: $("$PLAN_TOOL" --version) (libsqlite3-sys $(awk '/^name = "libsqlite3-sys"/ {getline; print $3}' "$ROOT/Cargo.lock" | tr -d '"'), bundled)"
  echo "- tools: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')${OHA:+, $("$OHA" --version)}, $(pgbench --version), $(cargo --version)"
  echo "- xiaopu: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- src 2>/dev/null || echo ' + uncommitted changes in src/'), release build; HTTP workers = cores, pool_max_size 16 (defaults), log level warn"
}

# Starts the server on DATABASE_URL $1 (extra environment in SERVER_ENV) and waits for it.
start_server() {
  (cd "$workdir" && exec env DATABASE_URL="$1" XIAOPU__SERVER__PORT="$PORT" XIAOPU__LOG__LEVEL=warn \
    ${SERVER_ENV:-} "$BIN" serve >"$workdir/server.log" 2>&1) &
  server=$!
  for _ in $(seq 600); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
    sleep 0.05
  done
  curl -sf "$BASE/healthz" >/dev/null
}

stop_server() {
  [ -n "${server:-}" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  server=
}

# Sets RPS P50 P99 ERR (ms) from a wrk --latency report on stdin.
parse_wrk() {
  eval "$(python3 -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s|m)$", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
p = {k: ms(v) for k, v in re.findall(r"^\s+(50|99)%\s+(\S+)$", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
err = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
err += sum(int(x) for x in m.groups()) if m else 0
print("RPS=%.0f P50=%.2f P99=%.2f ERR=%d" % (rps, p["50"], p["99"], err))
')"
}

# Seeds a migrated database with bench/shops/seed-*.sql (100,000 goods, 1,000 shops) and $2.
seed_sqlite() { # file extra.sql
  if command -v sqlite3 >/dev/null; then
    sqlite3 "$1" <"$ROOT/bench/shops/seed-sqlite.sql" >/dev/null
    if [ -n "${2:-}" ]; then sqlite3 "$1" <"$2" >/dev/null; fi
  else
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.isolation_level = None
for f in sys.argv[2:]:
    db.executescript("".join(l for l in open(f) if not l.startswith(".")))' "$1" "$ROOT/bench/shops/seed-sqlite.sql" ${2:+"$2"}
  fi
}
