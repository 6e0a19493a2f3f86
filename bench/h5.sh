#!/usr/bin/env bash
# The buyer's H5 shop page under load (SQLite, release build), beside the JSON list it is
# drawn from, and what each page weighs. Data: bench/shops/seed-sqlite.sql (100,000 goods,
# 1,000 shops; shop 025746 holds 1,000 live items, 20 on a page). Prints a Markdown table;
# copy it into BENCHMARKS.md with the machine's description (printed first).
#
#   bench/h5.sh                                 # build (release), seed, run
#   SKIP_BUILD=1 CONNS="8 32" DURATION=15 WARMUP=3 bench/h5.sh
#   SKIP_BUILD=1 XIAOPU_BIN=/path/to/xiaopu bench/h5.sh   # another binary
#
# Needs: cargo, curl, python3 (or sqlite3); installs wrk (Debian package) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$ROOT/$TARGET/release/xiaopu"
[[ "$TARGET" = /* ]] && BIN="$TARGET/release/xiaopu"
BIN="${XIAOPU_BIN:-$BIN}"
CONNS="${CONNS:-8 32}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
PORT="${PORT:-18557}"
BASE="http://127.0.0.1:$PORT"
SHOP_NO=025746

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
need_wrk

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the release binary ($TARGET)"
  CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q --bin xiaopu
fi

echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)"
echo "- tools: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'), $(cargo --version)"
echo "- xiaopu: $(git rev-parse --short HEAD)$(git diff --quiet -- src 2>/dev/null || echo ' + uncommitted changes in src/'), release build, SQLite, HTTP workers = cores, log level warn"

log "sqlite: migrate and seed"
db="$workdir/h5.db"
DATABASE_URL="sqlite://$db" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
seed_sqlite "$db"
SERVER_ENV="XIAOPU__JOBS__SCHEDULER_ENABLED=false" start_server "sqlite://$db"

item_id=$(curl -sf "$BASE/api/v1/shops/$SHOP_NO/items?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
shop_page="/shop/$SHOP_NO"
item_page="/shop/$SHOP_NO/item/$item_id"
json_list="/api/v1/shops/$SHOP_NO/items"

# Bytes on the wire (headers + body; the server sends no compression) of each page and file.
weigh() { curl -s -o /dev/null -w '%{size_header} %{size_download}' "$BASE$1" | awk '{print $1 + $2}'; }
for path in "$shop_page" "$item_page" /h5/app.css /h5/app.js; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$status" = 200 ] || { log "$path answered $status"; exit 1; }
done
css=$(weigh /h5/app.css)
js=$(weigh /h5/app.js)
echo
echo "| page | bytes (HTML + headers) | with app.css + app.js (first visit) |"
echo "|---|---:|---:|"
for path in "$shop_page" "$item_page"; do
  bytes=$(weigh "$path")
  echo "| \`$path\` | $bytes | $((bytes + css + js)) |"
done

echo
echo "| endpoint | connections | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
for path in "$shop_page" "$json_list"; do
  for conns in $CONNS; do
    wrk -t2 -c"$conns" -d"${WARMUP}s" "$BASE$path" >/dev/null
    parse_wrk < <(wrk -t2 -c"$conns" -d"${DURATION}s" --latency "$BASE$path")
    echo "| \`GET $path\` | $conns | $RPS | $P50 | $P99 | $ERR |"
  done
done
stop_server
