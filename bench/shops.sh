#!/usr/bin/env bash
# Shop page and item detail under load, on SQLite and PostgreSQL, against PostgreSQL's own
# ceiling for the same SQL (pgbench -M prepared). Data: 100,000 listed goods, 1,000 open shops,
# the benchmarked shop (shop_no 025746) holding 1,000 live items. Prints Markdown tables; copy
# them into BENCHMARKS.md with the machine's description (printed first).
#
#   bench/shops.sh                        # build (release), seed fresh databases, run everything
#   SKIP_BUILD=1 bench/shops.sh           # reuse the last build
#   DBS=postgres CONNS="8 32" DURATION=15 WARMUP=3 PGBENCH_DURATION=20 bench/shops.sh
#
# Needs: cargo, curl, python3, sqlite3 (or python3's sqlite3 module), psql/pgbench/createdb and
# a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres, trust auth; the
# database $PGBENCH_DB, default xiaopu_bench, is dropped and recreated). Installs wrk (Debian
# package) and oha (crates.io, under $CARGO_TARGET_DIR/oha) when missing: wrk measures the peak
# rate, oha the latency at a fixed rate (wrk cannot hold a constant rate; wrk2 is not in Debian).
#
# Per endpoint and connection count: wrk (WARMUP s discarded, then DURATION s) for rps, p50, p99;
# then oha at 80% of the endpoint's peak rate (best of the connection counts) for p50/p99 at a
# fixed rate (--latency-correction: latency counted from the scheduled send time, like pgbench -R).
# On PostgreSQL also pgbench with bench/shops/pgbench-*.sql (one transaction = every statement one
# request runs), saturated (the ceiling) and at the same fixed rate (-R), with the server's
# plan_cache_mode ($PLAN_CACHE_MODE, default the server's default, force_custom_plan). Query plans go to
# bench/shops/plans-postgres.txt and plans-sqlite.txt, the last tables to bench/shops/last-run.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$ROOT/$TARGET/release/xiaopu"
[[ "$TARGET" = /* ]] && BIN="$TARGET/release/xiaopu"
DBS="${DBS:-sqlite postgres}"
CONNS="${CONNS:-8 32}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
PGBENCH_DURATION="${PGBENCH_DURATION:-20}"
RATE_SHARE="${RATE_SHARE:-0.8}"
PORT="${PORT:-18556}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PGBENCH_DB="${PGBENCH_DB:-xiaopu_bench}"
PLAN_CACHE_MODE="${PLAN_CACHE_MODE:-force_custom_plan}"
export XIAOPU__DATABASE__POSTGRES_PLAN_CACHE_MODE="$PLAN_CACHE_MODE"
SHOP_NO=025746          # shop 42 of the seed
DIR="$ROOT/bench/shops"
PAGE_PATH="/api/v1/shops/$SHOP_NO/items"
BASE="http://127.0.0.1:$PORT"

workdir=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# --- tools -------------------------------------------------------------------------------------
need_wrk
OHA="${OHA:-$(command -v oha || true)}"
if [ -z "$OHA" ]; then
  OHA="$TARGET/oha/bin/oha"
  if [ ! -x "$OHA" ]; then
    log "installing oha (crates.io) into $TARGET/oha"
    CARGO_TARGET_DIR="$TARGET/oha-build" cargo install oha --locked -q --root "$TARGET/oha"
  fi
fi
PLAN_TOOL="$TARGET/sqlite-plan/release/sqlite-plan"
[[ "$TARGET" != /* ]] && PLAN_TOOL="$ROOT/$PLAN_TOOL"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the release binary ($TARGET)"
  CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q --bin xiaopu
fi
# EXPLAIN QUERY PLAN with the bundled SQLite (its own small crate, same libsqlite3-sys).
if [ ! -x "$PLAN_TOOL" ] || [ "${SKIP_BUILD:-0}" != 1 ]; then
  CARGO_TARGET_DIR="$TARGET/sqlite-plan" cargo build --release -q --manifest-path "$DIR/sqlite-plan/Cargo.toml"
fi

# The responses must be what a buyer gets: 20 items, pinned first, a next cursor; an item page.
check_responses() {
  curl -sf "$BASE$PAGE_PATH" | python3 -c '
import json, sys
page = json.load(sys.stdin)
items = page["items"]
assert len(items) == 20 and page.get("next_cursor"), page
assert [i["pinned"] for i in items[:5]] == [True] * 5 and not items[5]["pinned"], items[:6]
'
  curl -sf "$BASE$PAGE_PATH/100" | python3 -c '
import json, sys
item = json.load(sys.stdin)
assert item["skus"] and item["shop"]["shop_no"] == "'"$SHOP_NO"'", item
'
}

# --- load tools --------------------------------------------------------------------------------
# Random item ids of the shop: 100 * k, k = 1..1000 (see seed-pg.sql).
cat >"$workdir/detail.lua" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "$PAGE_PATH/" .. (100 * math.random(1000)))
end
EOF
python3 -c '
import random, sys
random.seed(1)
for _ in range(5000):
    print(f"'"$BASE$PAGE_PATH"'/{100 * random.randint(1, 1000)}")
' >"$workdir/detail.urls"

wrk_run() { # endpoint conns
  local args=(-t 2 -c "$2" --latency)
  if [ "$1" = page ]; then args+=("$BASE$PAGE_PATH"); else args+=(-s "$workdir/detail.lua" "$BASE"); fi
  wrk "${args[@]}" -d "${WARMUP}s" >/dev/null
  wrk "${args[@]}" -d "${DURATION}s" >"$workdir/wrk.out"
  parse_wrk <"$workdir/wrk.out"
}

oha_run() { # endpoint conns rate
  local target=("$BASE$PAGE_PATH")
  [ "$1" = detail ] && target=(--urls-from-file "$workdir/detail.urls")
  "$OHA" --no-tui --output-format json --latency-correction \
    -z "${DURATION}s" -c "$2" -q "$3" "${target[@]}" >"$workdir/oha.json"
  eval "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
err = sum(n for c, n in codes.items() if c != "200")
err += sum(n for e, n in r.get("errorDistribution", {}).items() if "deadline" not in e)
print("RPS=%.0f P50=%.2f P99=%.2f ERR=%d" % (s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000, err))
' "$workdir/oha.json")"
}

# Sets TPS LAT (ms) from pgbench.
pgbench_run() { # endpoint conns [rate]
  local extra=()
  [ -n "${3:-}" ] && extra=(-R "$3")
  # The plan the server's prepared statements settle on from their 6th execution on each
  # connection (see plans-postgres.txt); pgbench's connections are new on every run, so without
  # this each run would be dominated by the first five (custom-plan) executions of the page query.
  PGOPTIONS="-c plan_cache_mode=$PLAN_CACHE_MODE" pgbench -M prepared -n -c "$2" -j 2 -T "$PGBENCH_DURATION" "${extra[@]}" -D shop_no="$SHOP_NO" -D status=open -D page_goods="$PAGE_GOODS" \
    -f "$DIR/pgbench-$1.sql" "$PGBENCH_DB" >"$workdir/pgbench.out" 2>&1 || { cat "$workdir/pgbench.out" >&2; exit 1; }
  TPS=$(awk '/^tps = / {printf "%.0f", $3}' "$workdir/pgbench.out")
  LAT=$(awk '/^latency average = / {printf "%.2f", $4}' "$workdir/pgbench.out")
  local failed
  failed=$(awk '/^number of failed transactions:/ {print $5}' "$workdir/pgbench.out")
  [ "${failed:-0}" = 0 ] || log "pgbench $1 c=$2: $failed failed transactions"
}

declare -A R   # R[db.endpoint.conns.field]

# --- plans -------------------------------------------------------------------------------------
plans_sqlite() { # db file
  "$PLAN_TOOL" "$1" "$DIR/statements-sqlite.sql" >"$DIR/plans-sqlite.txt"
}
plans_postgres() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$PGBENCH_DB" -v shop_no="$SHOP_NO" -f "$DIR/explain-pg.sql" \
    >"$DIR/plans-postgres.txt"
}
check_plans() { python3 "$DIR/check-plans.py" "$1"; }

# --- runs --------------------------------------------------------------------------------------
run_db() { # db url
  local db=$1 url=$2 c endpoint best rate
  start_server "$url"
  check_responses
  # Prime: every pooled connection runs every statement more than 5 times (PostgreSQL switches
  # a prepared statement to its generic plan after 5 executions), so the runs measure steady state.
  log "$db: priming the pool"
  wrk -t 2 -c 32 -d 5s "$BASE$PAGE_PATH" >/dev/null
  wrk -t 2 -c 32 -d 5s -s "$workdir/detail.lua" "$BASE" >/dev/null
  for c in $CONNS; do
    for endpoint in page detail; do
      if [ "$db" = postgres ]; then
        log "$db $endpoint c=$c: pgbench"
        pgbench_run "$endpoint" "$c"
        R[$db.$endpoint.$c.pgtps]=$TPS R[$db.$endpoint.$c.pglat]=$LAT
      fi
      log "$db $endpoint c=$c: wrk"
      wrk_run "$endpoint" "$c"
      R[$db.$endpoint.$c.rps]=$RPS R[$db.$endpoint.$c.p50]=$P50 R[$db.$endpoint.$c.p99]=$P99 R[$db.$endpoint.$c.err]=$ERR
    done
  done
  for endpoint in page detail; do
    best=0
    for c in $CONNS; do (( R[$db.$endpoint.$c.rps] > best )) && best=${R[$db.$endpoint.$c.rps]}; done
    rate=$(awk -v b="$best" -v s="$RATE_SHARE" 'BEGIN { printf "%d", b * s }')
    R[$db.$endpoint.peak]=$best R[$db.$endpoint.rate]=$rate
    for c in $CONNS; do
      log "$db $endpoint c=$c: oha at $rate/s"
      oha_run "$endpoint" "$c" "$rate"
      R[$db.$endpoint.$c.frps]=$RPS R[$db.$endpoint.$c.fp50]=$P50 R[$db.$endpoint.$c.fp99]=$P99 R[$db.$endpoint.$c.ferr]=$ERR
      if [ "$db" = postgres ]; then
        log "$db $endpoint c=$c: pgbench at $rate/s"
        pgbench_run "$endpoint" "$c" "$rate"
        R[$db.$endpoint.$c.pgrlat]=$LAT
      fi
    done
  done
  stop_server
}

machine >"$workdir/machine.md"
cat "$workdir/machine.md" >&2

for db in $DBS; do
  case $db in
    sqlite)
      log "sqlite: migrate and seed"
      file="$workdir/bench.db"
      DATABASE_URL="sqlite://$file" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
      seed_sqlite "$file"
      plans_sqlite "$file"
      R[sqlite.plans]=$(check_plans "$DIR/plans-sqlite.txt")
      run_db sqlite "sqlite://$file"
      ;;
    postgres)
      log "postgres: migrate and seed $PGBENCH_DB"
      dropdb --if-exists "$PGBENCH_DB"
      createdb "$PGBENCH_DB"
      url="postgres://$PGUSER@$PGHOST:$PGPORT/$PGBENCH_DB"
      DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
      psql -X -q -v ON_ERROR_STOP=1 -d "$PGBENCH_DB" -f "$DIR/seed-pg.sql" >/dev/null
      # The first page's goods, which the page's stock check asks about (pgbench-page.sql).
      PAGE_GOODS=$(psql -X -Atq -d "$PGBENCH_DB" -c "SELECT '{' || string_agg(goods_id::text, ',') || '}' FROM (SELECT goods_id FROM shop_items WHERE shop_id = 42 AND removed_at IS NULL ORDER BY pinned DESC, position, id LIMIT 20) page")
      plans_postgres
      R[postgres.plans]=$(check_plans "$DIR/plans-postgres.txt")
      run_db postgres "$url"
      ;;
    *) echo "unknown database $db" >&2; exit 1 ;;
  esac
done

# --- report ------------------------------------------------------------------------------------
report() {
  cat "$workdir/machine.md"
  echo
  echo "wrk ${WARMUP} s warm-up + ${DURATION} s per row, 2 threads; fixed rate: oha ${DURATION} s at ${RATE_SHARE} × the endpoint's peak; pgbench -M prepared -j 2, ${PGBENCH_DURATION} s. Latencies in ms."
  local db endpoint c
  for db in $DBS; do
    echo
    echo "**$db**"
    echo
    if [ "$db" = postgres ]; then
      echo "| endpoint | conns | app rps | app p50 | app p99 | errors | pgbench tps | pgbench mean | app / pgbench |"
      echo "|---|---|---|---|---|---|---|---|---|"
    else
      echo "| endpoint | conns | app rps | app p50 | app p99 | errors |"
      echo "|---|---|---|---|---|---|"
    fi
    for endpoint in page detail; do
      for c in $CONNS; do
        local k=$db.$endpoint.$c
        printf '| %s | %s | %s | %s | %s | %s |' "$endpoint" "$c" "${R[$k.rps]}" "${R[$k.p50]}" "${R[$k.p99]}" "${R[$k.err]}"
        if [ "$db" = postgres ]; then
          printf ' %s | %s | %s |' "${R[$k.pgtps]}" "${R[$k.pglat]}" \
            "$(awk -v a="${R[$k.rps]}" -v b="${R[$k.pgtps]}" 'BEGIN { printf "%.2f", a / b }')"
        fi
        echo
      done
    done
    echo
    echo "Fixed rate (${RATE_SHARE} × peak):"
    echo
    if [ "$db" = postgres ]; then
      echo "| endpoint | conns | rate | achieved | app p50 | app p99 | errors | pgbench mean at the rate | 3 × it | p99 ≤ 3 × mean |"
      echo "|---|---|---|---|---|---|---|---|---|---|"
    else
      echo "| endpoint | conns | rate | achieved | app p50 | app p99 | errors |"
      echo "|---|---|---|---|---|---|---|"
    fi
    for endpoint in page detail; do
      for c in $CONNS; do
        local k=$db.$endpoint.$c
        printf '| %s | %s | %s | %s | %s | %s | %s |' "$endpoint" "$c" "${R[$db.$endpoint.rate]}" "${R[$k.frps]}" "${R[$k.fp50]}" "${R[$k.fp99]}" "${R[$k.ferr]}"
        if [ "$db" = postgres ]; then
          awk -v p="${R[$k.fp99]}" -v m="${R[$k.pgrlat]}" \
            'BEGIN { printf " %s | %.2f | %s |", m, 3 * m, (p <= 3 * m ? "yes" : "**no**") }'
        fi
        echo
      done
    done
    echo
    echo "Plans ($db, bench/shops/plans-$db.txt):"
    echo
    echo "${R[$db.plans]}"
  done
  if [[ " $DBS " = *" postgres "* ]]; then
    echo
    echo "Targets on PostgreSQL, shop page: app / pgbench ≥ 0.7 at each connection count; p99 at ${RATE_SHARE} × peak ≤ 3 × pgbench's mean latency at that rate."
    for c in $CONNS; do
      local k=postgres.page.$c
      awk -v a="${R[$k.rps]}" -v b="${R[$k.pgtps]}" -v c="$c" -v p="${R[$k.fp99]}" -v m="${R[$k.pgrlat]}" 'BEGIN {
        printf "- %s connections: ratio %.2f (%s); p99 %.2f ms vs 3 × %.2f = %.2f ms (%s)\n", c, a / b,
          (a / b >= 0.7 ? "met" : "missed"), p, m, 3 * m, (p <= 3 * m ? "met" : "missed") }'
    done
  fi
}
report | tee "$DIR/last-run.md"
