#!/usr/bin/env bash
# Foundation figures: clean release build time, binary size, start-up time to the first 200 on
# /healthz, idle memory, and the login rate (bound by argon2id). Results go to standard output;
# copy them into BENCHMARKS.md with the machine's description.
#
#   bench/foundation.sh                 # full run, including a clean release build
#   SKIP_BUILD=1 bench/foundation.sh    # reuse the last bench build
#   LOGINS=400 CONCURRENCY=8 bench/foundation.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${BENCH_TARGET_DIR:-target/bench}"
LOGINS="${LOGINS:-200}"
CONCURRENCY="${CONCURRENCY:-4}"
PORT="${PORT:-18555}"
BIN="$TARGET/release/xiaopu"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(cargo --version)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$TARGET"
  start=$(date +%s.%N)
  CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q --bin xiaopu
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "release build (clean, all dependencies): %.0f s\n", e - s }'
fi
awk -v b="$(stat -c %s "$BIN")" 'BEGIN { printf "binary size: %.1f MiB (not stripped)\n", b / 1048576 }'

workdir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT
start=$(date +%s.%N)
(cd "$workdir" && XIAOPU__SERVER__PORT="$PORT" XIAOPU__LOG__LEVEL=warn \
  XIAOPU__RATE_LIMIT__AUTH_MAX_REQUESTS=1000000 exec "$OLDPWD/$BIN" serve) &
server=$!
until curl -sf "127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.005; done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" \
  'BEGIN { printf "start-up to first 200 on /healthz (fresh SQLite database, migrations included): %.0f ms\n", (e - s) * 1000 }'
sleep 2
echo "idle memory (RSS): $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$server/status")"

curl -sf -X POST "127.0.0.1:$PORT/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.cn","password":"Passw0rd!","display_name":"Bench"}' >/dev/null

python3 - "$PORT" "$LOGINS" "$CONCURRENCY" <<'PY'
import http.client, json, sys, time
from concurrent.futures import ThreadPoolExecutor
port, total, concurrency = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = json.dumps({"login": "bench@example.cn", "password": "Passw0rd!"})
def login(_):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    conn.request("POST", "/api/v1/auth/login", body, {"content-type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    return status, time.perf_counter() - start
start = time.perf_counter()
with ThreadPoolExecutor(concurrency) as pool:
    results = list(pool.map(login, range(total)))
elapsed = time.perf_counter() - start
latencies = sorted(t for _, t in results)
errors = sum(1 for s, _ in results if s != 200)
print(f"login rate: {total / elapsed:.1f} logins/s ({total} logins, concurrency {concurrency}, {errors} errors); "
      f"latency p50 {latencies[len(latencies)//2]*1000:.0f} ms, p99 {latencies[int(len(latencies)*0.99)-1]*1000:.0f} ms")
PY
echo "memory after the logins (RSS): $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$server/status")"
