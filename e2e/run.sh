#!/usr/bin/env bash
# Browser tests of the buyer's H5 pages: starts xiaopu on a fresh SQLite database and a free
# port, runs h5.test.mjs against it with headless Chromium (/usr/bin/chromium, Debian's
# package), stops the server. Screenshots land in e2e/screenshots/ (not committed).
#
#   XIAOPU_BIN   the binary to test (default: $CARGO_TARGET_DIR or ../target, debug build;
#                built when missing)
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
bin=${XIAOPU_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/xiaopu}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --locked --bin xiaopu)
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: /usr/bin/chromium is missing: apt-get install -y chromium" >&2
  exit 1
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund

work=$(mktemp -d)
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
export DATABASE_URL="sqlite://$work/xiaopu.db"
export XIAOPU__ENVIRONMENT=test
export XIAOPU__SERVER__HOST=127.0.0.1
export XIAOPU__SERVER__PORT=$port
export XIAOPU__SHARING__PUBLIC_BASE_URL="http://127.0.0.1:$port"
export XIAOPU__JOBS__SCHEDULER_ENABLED=false
export XIAOPU__RATE_LIMIT__AUTH_MAX_REQUESTS=1000
export XIAOPU__LOG__LEVEL=warn

admin_password='E2e-admin-Passw0rd'
echo "$admin_password" | "$bin" admin create --email admin@e2e.cn --password-stdin >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
  echo "e2e: the server did not get ready in 30 s; its log ends with:" >&2
  tail -n 40 "$work/server.log" >&2
  exit 1
fi

if ! BASE_URL="http://127.0.0.1:$port" ADMIN_EMAIL=admin@e2e.cn ADMIN_PASSWORD="$admin_password" \
  node h5.test.mjs; then
  echo "e2e: failed; the server's log ends with:" >&2
  tail -n 40 "$work/server.log" >&2
  exit 1
fi
