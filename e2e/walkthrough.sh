#!/usr/bin/env bash
# Runs the README's "First ten minutes" exactly as written: every ```sh block between
# <!-- walkthrough:begin --> and <!-- walkthrough:end -->, in order, as one script under
# `bash -euo pipefail` from the repository's root. It passes when every command succeeds and
# the walkthrough ends with the shopkeeper's commission (COMMISSION_FEN) above zero and, once
# business time has been advanced past the settlement window, all of it available (AVAILABLE_FEN);
# then each later scenario's outcome (an unpaid order cancelled, a refund after settlement below
# zero and paid back, a promotion and a fall, a supplier's exit held by an open case).
#
# The walkthrough names its server's process XIAOPU_PID and its folder DEMO_DIR: whatever
# happens, the server is stopped and the folder removed on exit (with the server's log shown
# first when a command failed).
set -euo pipefail
cd "$(dirname "$0")/.."

script=$(mktemp)
{
  cat <<'PROLOGUE'
walkthrough_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "${DEMO_DIR:-}/server.log" ]; then
    echo "walkthrough: failed; the server's log ends with:" >&2
    tail -n 40 "$DEMO_DIR/server.log" >&2
  fi
  if [ -n "${XIAOPU_PID:-}" ]; then
    kill "$XIAOPU_PID" 2>/dev/null || true
    wait "$XIAOPU_PID" 2>/dev/null || true
  fi
  if [ -n "${DEMO_DIR:-}" ]; then rm -rf "$DEMO_DIR"; fi
  rm -f "$WALKTHROUGH_SCRIPT"
  exit "$status"
}
trap walkthrough_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
PROLOGUE
  # The README's blocks, each line as written.
  awk '
    /<!-- walkthrough:begin -->/ { inside = 1; next }
    /<!-- walkthrough:end -->/   { inside = 0; next }
    inside && /^```sh$/          { block = 1; blocks++; print "echo \"walkthrough: block " blocks "\" >&2"; next }
    block && /^```$/             { block = 0; next }
    block                        { print }
    END { if (blocks == 0) { print "echo \"walkthrough: no sh blocks in README.md\" >&2; exit 1" } }
  ' README.md
  cat <<'EPILOGUE'
if ! [ "${COMMISSION_FEN:-0}" -gt 0 ]; then
  echo "walkthrough: the shopkeeper earned no commission (COMMISSION_FEN=${COMMISSION_FEN:-unset})" >&2
  exit 1
fi
if [ "${AVAILABLE_FEN:-0}" != "$COMMISSION_FEN" ]; then
  echo "walkthrough: the settled commission (AVAILABLE_FEN=${AVAILABLE_FEN:-unset}) is not the pending one ($COMMISSION_FEN)" >&2
  exit 1
fi
# The later scenarios (README "Over time"): each outcome as the walkthrough printed it.
half=$((COMMISSION_FEN / 2))
for check in "LAPSED_STATUS=${LAPSED_STATUS:-unset}=cancelled" \
             "NEGATIVE_FEN=${NEGATIVE_FEN:-unset}=-$half" \
             "PAID_BACK_FEN=${PAID_BACK_FEN:-unset}=$half" \
             "RISEN_TIER=${RISEN_TIER:-unset}=senior" \
             "FALLEN_TIER=${FALLEN_TIER:-unset}=rookie" \
             "HELD_CASES=${HELD_CASES:-unset}=1" \
             "EXITED_STATUS=${EXITED_STATUS:-unset}=exited"; do
  IFS== read -r name got want <<<"$check"
  if [ "$got" != "$want" ]; then
    echo "walkthrough: $name is $got, expected $want" >&2
    exit 1
  fi
done
echo "walkthrough: passed"
EPILOGUE
} >"$script"

export WALKTHROUGH_SCRIPT=$script
exec bash -euo pipefail "$script"
