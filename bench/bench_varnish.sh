#!/usr/bin/env bash
# The production recipe under load: gunicorn (2 workers, Redis) behind varnishd with deploy/varnish/default.vcl,
# measured in one run against nginx serving the very same bytes (the peers' static ceiling), then readers
# and voters at once (bench/bench_mixed.py).
#
#   1. varnish-hit vs nginx-same-bytes: the Botox article (50 comments), wrk -t1, CONNS connections,
#      ROUNDS rounds alternating the two (../shared/bench/peers/bench_peers.sh). Target: >= 0.8x nginx, p99 < 10 ms.
#   2. mixed: CONNS readers on the article through Varnish for MIXED_SECONDS while VOTES_PER_SECOND votes a
#      second are cast on it (each from a new reader, through Varnish). Targets: hit ratio >= 95 %, every vote
#      counted, no reader sees figures older than 2 s, no errors.
#
# Not a test. Needs the peers set up once (../shared/bench/peers/setup_all.sh, from outside the repo) for nginx,
# and Debian's varnish, varnish-modules and wrk. Environment (optional): DURATION=15s ROUNDS=3 CONNS=64
# MIXED_SECONDS=60 VOTES_PER_SECOND=5 WORKERS=2 DATABASE_URL CACHE_URL (default redis://127.0.0.1:6379/0).
# Writes bench/results/varnish-<UTC time>/ (summary.md, mixed.json, logs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$ROOT/../shared/bench/peers}"
PY="$ROOT/.venv/bin/python"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/varnish-$STAMP"
SCRATCH="$(mktemp -d /tmp/bench-varnish.XXXXXX)"
chmod 755 "$SCRATCH"  # varnishd reads its VCL as its own user
WORKERS="${WORKERS:-2}"
CONNS="${CONNS:-64}"
mkdir -p "$OUT"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
APP_PORT="$(free_port)"
VARNISH_PORT="$(free_port)"
VARNISH_NAME="$SCRATCH/varnish"

export DJANGO_SETTINGS_MODULE=headache_site.settings DEBUG=0 HTTPS_ONLY=0 NUM_PROXIES=0
export SECRET_KEY="bench-only-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS=127.0.0.1,localhost EMAIL_URL=locmem:// LOG_LEVEL=WARNING STATIC_ROOT="$SCRATCH/static"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$SCRATCH/db.sqlite3}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/0}" CACHE_KEY_PREFIX="bench-$STAMP"
export PURGE_URLS="http://127.0.0.1:$VARNISH_PORT"
# The voters are many readers from one address: the rate limit is for the real world, not for this.
export RATINGS_RATE_LIMIT=1000000
unset TEST_DATABASE_NAME
cd "$ROOT"

GUNICORN_PID="" VARNISH_PID=""
cleanup() {
  [ -n "$VARNISH_PID" ] && kill "$VARNISH_PID" 2>/dev/null || true
  [ -n "$GUNICORN_PID" ] && kill -TERM "$GUNICORN_PID" 2>/dev/null || true
  for pid in $VARNISH_PID $GUNICORN_PID; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  "$PY" -c 'import redis, sys; r = redis.Redis.from_url(sys.argv[1]); [r.delete(k) for k in r.scan_iter(match=sys.argv[2] + "*")]' \
    "$CACHE_URL" "$CACHE_KEY_PREFIX" || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

echo "== preparing the site (database: ${DATABASE_URL%%://*})" >&2
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --noinput -v0
DEBUG=1 "$PY" manage.py load_demo >/dev/null
"$PY" manage.py shell --no-imports -v0 -c "$(cat bench/seed_article.py)"

WEB_CONCURRENCY="$WORKERS" BIND="127.0.0.1:$APP_PORT" "$PY" -m gunicorn -c gunicorn.conf.py headache_site.wsgi \
  >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
sed -E "s/(backend default \{ \.host = \"127\.0\.0\.1\"; \.port = \")8000(\";)/\1$APP_PORT\2/" deploy/varnish/default.vcl \
  >"$SCRATCH/default.vcl"
chmod 644 "$SCRATCH/default.vcl"
varnishd -F -n "$VARNISH_NAME" -a "127.0.0.1:$VARNISH_PORT" -T "127.0.0.1:$(free_port)" -f "$SCRATCH/default.vcl" \
  -s malloc,256m >"$OUT/varnishd.log" 2>&1 &
VARNISH_PID=$!
page=/articles/botox-for-headache/
for _ in $(seq 1 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$APP_PORT$page" && curl -sf -o /dev/null "http://127.0.0.1:$VARNISH_PORT$page" && break
  sleep 0.2
done
curl -s -D "$OUT/varnish-headers.txt" -o /dev/null "http://127.0.0.1:$VARNISH_PORT$page"
echo "== gunicorn :$APP_PORT ($WORKERS workers), varnish :$VARNISH_PORT" >&2

# 1. Varnish against nginx serving the same bytes.
same_bytes="$(bash "$PEERS_DIR/snapshot_static.sh" "http://127.0.0.1:$VARNISH_PORT$page" | tail -1)"
RIGS=" " CONNS="$CONNS" EXTRA="nginx-same-bytes=$same_bytes varnish-hit=http://127.0.0.1:$VARNISH_PORT$page" \
  OUT="$OUT/peers" QUIET_WAIT="${QUIET_WAIT:-60}" WP_COMMENT_POSTS=0 WP_QUERIES=0 \
  "$PEERS_DIR/bench_peers.sh" | tee "$OUT/summary.md"

# 2. Readers and voters at once.
echo "== mixed: $CONNS readers and ${VOTES_PER_SECOND:-5} votes/s for ${MIXED_SECONDS:-60} s through Varnish" >&2
DURATION="${MIXED_SECONDS:-60}" CONNS="$CONNS" OUT="$OUT/mixed.json" \
  "$PY" bench/bench_mixed.py "http://127.0.0.1:$VARNISH_PORT" "$VARNISH_NAME" botox-for-headache "$DATABASE_URL" \
  | tee -a "$OUT/summary.md"
grep -c " 500 \| 502 \| 503 " "$OUT/gunicorn.log" | sed 's/^/gunicorn 5xx lines: /' | tee -a "$OUT/summary.md" || true
echo "results: $OUT" >&2
