#!/usr/bin/env bash
# wrk against examples/web_server.ts, examples/async_web_server.ts and
# Python's `python3 -m http.server`,
# same file, same flags, one after the other: 64 connections for 10 s
# (override with DURATION=3s). Prints each one's wrk summary.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
FILE=index.html
deno=${DENO:-deno}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$deno" run --quiet --allow-ffi --allow-read examples/web_server.ts --port "$port" --quiet >/dev/null &
ours=$!
"$deno" run --quiet --allow-ffi --allow-read examples/async_web_server.ts --port "$((port + 2))" \
  --quiet >/dev/null &
async=$!
(cd examples/www && exec python3 -m http.server "$((port + 1))" --bind 127.0.0.1 >/dev/null 2>&1) &
theirs=$!
trap 'kill -INT $ours $async 2>/dev/null; kill $theirs 2>/dev/null' EXIT
sleep 1
for target in "pysocket web_server.ts:$port" "pysocket async_web_server.ts:$((port + 2))" \
  "python3 -m http.server:$((port + 1))"; do
  echo "== ${target%:*}"
  wrk -t2 -c64 -d"$DURATION" "http://127.0.0.1:${target##*:}/$FILE" | grep -E "Requests/sec|errors|Non-2xx|Latency"
done
