#!/usr/bin/env bash
# Order placement under load, on SQLite and PostgreSQL, against each database's own ceiling for
# the same SQL: `pgbench -M prepared` with bench/orders/pgbench-place.sql on PostgreSQL, and a
# bare loop of the same transaction on SQLite (bench/orders/sqlite-loop). Data: the shop
# benchmark's (100,000 goods, 1,000 shops), the 1,000 items of shop 025746 in stock. Each request
# orders one piece of a random item of that shop with a new Idempotency-Key. Prints Markdown.
#
#   bench/orders.sh                       # build (release), seed fresh databases, run everything
#   SKIP_BUILD=1 DBS=postgres CONNS="8 32 64" DURATION=15 WARMUP=3 CEILING_DURATION=20 bench/orders.sh
#
# Needs what bench/shops.sh needs (cargo, curl, python3, psql/pgbench/createdb, a PostgreSQL
# server; the database $PGBENCH_DB, default xiaopu_bench_orders, is dropped and recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TARGET="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET" = /* ]] || TARGET="$ROOT/$TARGET"
BIN="$TARGET/release/xiaopu"
DBS="${DBS:-sqlite postgres}"
CONNS="${CONNS:-8 32 64}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
CEILING_DURATION="${CEILING_DURATION:-20}"
PORT="${PORT:-18557}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PGBENCH_DB="${PGBENCH_DB:-xiaopu_bench_orders}"
DIR="$ROOT/bench/orders"
BASE="http://127.0.0.1:$PORT"
LOOP_TOOL="$TARGET/sqlite-loop/release/sqlite-loop"
PLAN_TOOL="$TARGET/sqlite-plan/release/sqlite-plan"
# PostgreSQL's plan_cache_mode for the server's connections and for pgbench's, so that the
# ceiling plans the statements as the server does (the default is the server's default).
PLAN_CACHE_MODE="${PLAN_CACHE_MODE:-force_custom_plan}"
# No background jobs during the run; many logins are fine.
SERVER_ENV="XIAOPU__JOBS__SCHEDULER_ENABLED=false XIAOPU__RATE_LIMIT__AUTH_MAX_REQUESTS=100000 XIAOPU__DATABASE__POSTGRES_PLAN_CACHE_MODE=$PLAN_CACHE_MODE"

workdir=$(mktemp -d)
server=
cleanup() { stop_server; rm -rf "$workdir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_wrk

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the release binary and the SQLite tools ($TARGET)"
  CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q --bin xiaopu
fi
for tool in sqlite-loop:orders sqlite-plan:shops; do
  name=${tool%%:*} dir=${tool##*:}
  if [ ! -x "$TARGET/$name/release/$name" ] || [ "${SKIP_BUILD:-0}" != 1 ]; then
    CARGO_TARGET_DIR="$TARGET/$name" cargo build --release -q --manifest-path "$ROOT/bench/$dir/$name/Cargo.toml"
  fi
done

# A buyer, signed in: sets BUYER (member id) and TOKEN.
sign_in_buyer() {
  local body='{"email":"bench-buyer@example.cn","password":"Passw0rd!","display_name":"Bench buyer"}'
  BUYER=$(curl -sf -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' -d "$body" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"login":"bench-buyer@example.cn","password":"Passw0rd!"}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
}

# One order of one piece of a random item of shop 42, with a key no other request uses.
write_wrk_script() {
  cat >"$workdir/place.lua" <<LUA
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  run = args[1] or "0"
  counter = 0
  math.randomseed(os.time() * 1000 + id)
end
request = function()
  counter = counter + 1
  local k = math.random(1000)
  local body = string.format('{"lines":[{"shop_item_id":%d,"sku_id":%d,"quantity":1}],"address":{"name":"王小明","phone":"13812345678","region":"浙江省 杭州市","detail":"文三路 100 号"}}', 100 * k, 1 + (k * 97) % 100000)
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $TOKEN",
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run, id, counter),
  }, body)
end
LUA
}

wrk_run() { # conns run-id
  wrk -t 2 -c "$1" -d "${WARMUP}s" -s "$workdir/place.lua" "$BASE" -- "$2w" >/dev/null
  wrk -t 2 -c "$1" -d "${DURATION}s" --latency -s "$workdir/place.lua" "$BASE" -- "$2" >"$workdir/wrk.out"
  parse_wrk <"$workdir/wrk.out"
}

declare -A R

run_pgbench() { # clients plan_cache_mode
  PGOPTIONS="-c plan_cache_mode=$2" pgbench -M prepared -n -c "$1" -j 2 -T "$CEILING_DURATION" -D buyer="$BUYER" \
    -f "$DIR/pgbench-place.sql" "$PGBENCH_DB" >"$workdir/pgbench.out" 2>&1 \
    || { cat "$workdir/pgbench.out" >&2; exit 1; }
}

run_app() { # db url
  local db=$1 c
  start_server "$2"
  sign_in_buyer
  write_wrk_script
  # Every placement must succeed: a 201 with an order of one line.
  curl -sf -X POST "$BASE/api/v1/orders" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -H "Idempotency-Key: check-$db" \
    -d '{"lines":[{"shop_item_id":100,"sku_id":98,"quantity":1}],"address":{"name":"王小明","phone":"13812345678","region":"浙江省 杭州市","detail":"文三路 100 号"}}' \
    | python3 -c 'import json, sys; o = json.load(sys.stdin); assert o["status"] == "pending_payment" and len(o["parts"][0]["lines"]) == 1, o'
  for c in $CONNS; do
    log "$db c=$c: wrk"
    wrk_run "$c" "$db$c"
    R[$db.$c.rps]=$RPS R[$db.$c.p50]=$P50 R[$db.$c.p99]=$P99 R[$db.$c.err]=$ERR
    if [ "$db" = postgres ]; then
      log "$db c=$c: pgbench"
      run_pgbench "$c" "$PLAN_CACHE_MODE"
      R[$db.$c.ceiling]=$(awk '/^tps = / {printf "%.0f", $3}' "$workdir/pgbench.out")
      R[$db.$c.ceilinglat]=$(awk '/^latency average = / {printf "%.2f", $4}' "$workdir/pgbench.out")
      # For reference: the same script with PostgreSQL's own default, auto (generic plans).
      run_pgbench "$c" auto
      R[$db.$c.auto]=$(awk '/^tps = / {printf "%.0f", $3}' "$workdir/pgbench.out")
    fi
  done
  stop_server
  if [ "$db" = sqlite ]; then
    log "sqlite: bare loop"
    R[sqlite.ceiling]=$("$LOOP_TOOL" "$3" "$CEILING_DURATION" "$BUYER" | sed 's/^tps=\([0-9]*\).*/\1/')
  fi
}

machine >"$workdir/machine.md"
cat "$workdir/machine.md" >&2
for db in $DBS; do
  case $db in
    sqlite)
      file="$workdir/bench.db"
      log "sqlite: migrate and seed"
      DATABASE_URL="sqlite://$file" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
      seed_sqlite "$file" "$DIR/prepare.sql"
      run_app sqlite "sqlite://$file" "$file"
      ;;
    postgres)
      log "postgres: migrate and seed $PGBENCH_DB"
      dropdb --if-exists "$PGBENCH_DB"
      createdb "$PGBENCH_DB"
      url="postgres://$PGUSER@$PGHOST:$PGPORT/$PGBENCH_DB"
      DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
      psql -X -q -v ON_ERROR_STOP=1 -d "$PGBENCH_DB" -f "$ROOT/bench/shops/seed-pg.sql" >/dev/null
      psql -X -q -v ON_ERROR_STOP=1 -d "$PGBENCH_DB" -f "$DIR/prepare.sql" >/dev/null
      # prepare.sql rewrote the shop's SKUs: vacuum now, or autovacuum does it during the first
      # measured runs (the app's), on the same two cores.
      psql -X -q -v ON_ERROR_STOP=1 -d "$PGBENCH_DB" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
      run_app postgres "$url"
      ;;
    *) echo "unknown database $db" >&2; exit 1 ;;
  esac
done

report() {
  cat "$workdir/machine.md"
  echo
  echo "wrk ${WARMUP} s warm-up + ${DURATION} s per row, 2 threads, one new Idempotency-Key per request; ceilings over ${CEILING_DURATION} s. Latencies in ms."
  local db c
  for db in $DBS; do
    echo
    echo "**$db**"
    echo
    if [ "$db" = postgres ]; then
      echo "plan_cache_mode $PLAN_CACHE_MODE for the server and pgbench; the last column: pgbench with auto."
      echo
      echo "| clients | orders/s | p50 | p99 | errors | pgbench tps | pgbench mean | app / pgbench | pgbench tps, auto |"
      echo "|---|---|---|---|---|---|---|---|---|"
      for c in $CONNS; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "${R[$db.$c.rps]}" "${R[$db.$c.p50]}" "${R[$db.$c.p99]}" \
          "${R[$db.$c.err]}" "${R[$db.$c.ceiling]}" "${R[$db.$c.ceilinglat]}" \
          "$(awk -v a="${R[$db.$c.rps]}" -v b="${R[$db.$c.ceiling]}" 'BEGIN { printf "%.2f", a / b }')" "${R[$db.$c.auto]}"
      done
    else
      echo "| clients | orders/s | p50 | p99 | errors | bare loop tps | app / loop |"
      echo "|---|---|---|---|---|---|---|"
      for c in $CONNS; do
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" "${R[$db.$c.rps]}" "${R[$db.$c.p50]}" "${R[$db.$c.p99]}" \
          "${R[$db.$c.err]}" "${R[sqlite.ceiling]}" \
          "$(awk -v a="${R[$db.$c.rps]}" -v b="${R[sqlite.ceiling]}" 'BEGIN { printf "%.2f", a / b }')"
      done
    fi
  done
  echo
  echo "Targets: ≥ 0.6 × pgbench on PostgreSQL, ≥ 0.5 × the bare loop on SQLite, at every client count."
}
report | tee "$DIR/last-run.md"
