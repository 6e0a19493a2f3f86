#!/usr/bin/env bash
# The tier engine at scale (issue 7). For each size: `xiaopu seed` N shopkeepers with 10 settled
# orders each on average (skewed: a few sell thousands) in one month, then on the same database:
#   - one bare SQL GROUP BY over the month's lines (the engine's own aggregate, whole month), and
#   - the whole job, `xiaopu tiers run --month`, with its peak RSS (GNU time).
# Reports the ratio of the job to the mean of the bare query run just before and just after it
# (the machine's noise moves both). PostgreSQL for every size in SIZES; SQLite for SQLITE_SIZE.
# Usage: bench/tiers.sh            (SIZES="100000 1000000" SQLITE_SIZE=100000 ROUNDS=2 by default;
#                                  SQLITE_SIZE= skips SQLite)
#        REUSE=1 bench/tiers.sh    keeps the PostgreSQL databases: seeds only those missing and
#                                  times again on the others (the month's runs and decisions
#                                  deleted first)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SIZES="${SIZES:-100000 1000000}"
SQLITE_SIZE="${SQLITE_SIZE-100000}"
ROUNDS="${ROUNDS:-2}"
MONTH=2026-10
# The month's bounds in UTC for Asia/Shanghai (what the engine computes).
START="2026-09-30 16:00:00"
END="2026-10-31 16:00:00"
PSQL=(psql -h 127.0.0.1 -U postgres -X -q)

command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null; }
cargo build --release -q
BIN="$ROOT/target/release/xiaopu"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

# Summed on the outside so that the database must compute every aggregate: with only COUNT(*)
# outside, PostgreSQL drops the unused ones and merely groups the rows.
BARE="SELECT COUNT(*), SUM(gmv), SUM(orders), SUM(buyers), SUM(refunded), SUM(amount)
  FROM (SELECT l.shopkeeper_member_id,
  SUM((l.quantity - l.refunded_quantity) * l.unit_price_fen) AS gmv,
  COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN l.order_id END) AS orders,
  COUNT(DISTINCT CASE WHEN l.quantity > l.refunded_quantity THEN o.buyer_member_id END) AS buyers,
  SUM(l.refunded_quantity * l.unit_price_fen) AS refunded, SUM(l.amount_fen) AS amount
  FROM order_lines l JOIN orders o ON o.id = l.order_id
  WHERE l.settled_at >= '$START' AND l.settled_at < '$END' AND o.buyer_member_id <> l.shopkeeper_member_id
  GROUP BY l.shopkeeper_member_id) t"

bare_ms() { "${PSQL[@]}" -d "$1" -c '\timing on' -c "$BARE" | awk '/^Time:/ {print $2}'; }

echo "## Tier engine ($(date -u +%Y-%m-%d), xiaopu $(git rev-parse --short HEAD))"
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "- PostgreSQL $("${PSQL[@]}" -d postgres -Atc 'SHOW server_version') (shared_buffers $("${PSQL[@]}" -d postgres -Atc 'SHOW shared_buffers')); tiers.batch_size $( "$BIN" --help >/dev/null; grep -m1 '^batch_size' config/default.toml | awk '{print $3}')"
echo
echo "| backend | shopkeepers | settled orders | seed s | bare GROUP BY s (before / after) | job s | job / bare (mean) | job peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
  db="xiaopu_bench_tiers_$n"
  url="postgres://postgres@127.0.0.1:5432/$db"
  if [ "${REUSE:-}" = 1 ] && [ "$("${PSQL[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ]; then
    DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" migrate >/dev/null
    "${PSQL[@]}" -d "$db" -c "DELETE FROM tier_history WHERE month = '$MONTH'" -c "DELETE FROM tier_runs" -c "VACUUM ANALYZE tier_history"
    seed_s="(reused)"
  else
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    seed_s=$( { /usr/bin/time -f "%e" env DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" seed --shopkeepers "$n" --month "$MONTH" >/dev/null; } 2>&1 | tail -1)
  fi
  # Warm once, then ROUNDS times: the bare query, the job on a month with no decisions yet,
  # the bare query again (each round a row; the machine is noisy, so compare within a row).
  "${PSQL[@]}" -d "$db" -c "$BARE" >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    if [ "$round" -gt 1 ]; then
      "${PSQL[@]}" -d "$db" -c "DELETE FROM tier_history WHERE month = '$MONTH'" -c "DELETE FROM tier_runs" -c "VACUUM ANALYZE tier_history"
      seed_s="(round $round)"
    fi
    before_ms=$(bare_ms "$db")
    read -r job_s rss_kb < <( { /usr/bin/time -f "%e %M" env DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" tiers run --month "$MONTH" >"$workdir/summary-$n.txt"; } 2>&1 | tail -1)
    after_ms=$(bare_ms "$db")
    # The job against the mean of the bare query just before and just after it.
    ratio=$(awk -v j="$job_s" -v a="$before_ms" -v b="$after_ms" 'BEGIN { printf "%.2f", j / ((a + b) / 2000) }')
    echo "| PostgreSQL | $n | $((n * 10)) | $seed_s | $(awk -v a="$before_ms" -v b="$after_ms" 'BEGIN { printf "%.2f / %.2f", a / 1000, b / 1000 }') | $job_s | $ratio | $((rss_kb / 1024)) |"
  done
  sed 's/^/    /' "$workdir/summary-$n.txt" >&2
  [ "${REUSE:-}" = 1 ] || "${PSQL[@]}" -d postgres -c "DROP DATABASE $db"
done
if [ -n "$SQLITE_SIZE" ]; then
  n="$SQLITE_SIZE"
  url="sqlite://$workdir/tiers.db"
  seed_s=$( { /usr/bin/time -f "%e" env DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" seed --shopkeepers "$n" --month "$MONTH" >/dev/null; } 2>&1 | tail -1)
  read -r job_s rss_kb < <( { /usr/bin/time -f "%e %M" env DATABASE_URL="$url" XIAOPU__LOG__LEVEL=warn "$BIN" tiers run --month "$MONTH" >"$workdir/summary-sqlite.txt"; } 2>&1 | tail -1)
  echo "| SQLite | $n | $((n * 10)) | $seed_s | – | $job_s | – | $((rss_kb / 1024)) |"
  sed 's/^/    /' "$workdir/summary-sqlite.txt" >&2
fi
