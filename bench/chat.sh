#!/usr/bin/env bash
# Chat turns over HTTP against a fresh development server on 127.0.0.1, on
# the embedded SQLite database: registers and signs in customers, opens a
# conversation each and sends messages from a realistic mix through
# bench/loadgen, in rounds, printing throughput, latency and the server's
# resident memory after each round (issue 4, "Speed").
#
#   bench/chat.sh [rounds] [turns per round] [connections] [customers]
#
# The per-IP, per-user and chat rate limits and the login limit are raised
# for the measurement only; everything else is the default configuration
# (authentication, encryption at rest, audit, card redaction).
set -euo pipefail
rounds=${1:-3} turns=${2:-100000} conns=${3:-50} users=${4:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/supportbot" ./cmd/supportbot
go build -o "$work/loadgen" ./bench/loadgen
port=18585
if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
  echo "chat.sh: something already listens on 127.0.0.1:$port; stop it first" >&2
  exit 1
fi
ENV=development DATA_DIR="$work/data" LISTEN_ADDR=127.0.0.1:$port LOG_LEVEL=warn \
  RATE_LIMIT_PER_MINUTE=1000000 CHAT_RATE_LIMIT_PER_MINUTE=1000000 LOGIN_MAX_ATTEMPTS=1000 \
  "$work/supportbot" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
for r in $(seq 1 "$rounds"); do
  printf 'round %d: ' "$r"
  "$work/loadgen" -chat -users "$users" -c "$conns" -n "$turns" -max 10m -pid "$pid" \
    -url "http://127.0.0.1:$port/" 2>"$work/loadgen.err" | tr '\n' ' ' || { cat "$work/loadgen.err"; exit 1; }
  echo
done
