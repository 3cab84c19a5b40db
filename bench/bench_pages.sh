#!/usr/bin/env bash
# The origin alone (no Varnish in front): our Botox article (50 approved threaded comments, ratings) under
# gunicorn in production mode, measured against the peer rigs in the same run: the shared bench_peers.sh
# alternates Wagtail, the plain-Django floor (and WordPress, the static ceiling if asked) and our three targets,
# with wrk at 16 and 64 connections.
#
#   ours-hit   the page as Django's cache middleware keeps it (articles/caching.py): what the origin answers
#              a reader when nothing in front holds the page (make run, gunicorn alone). Target: >= 0.5x floor.
#   ours-miss  PAGE_CACHE_SECONDS=0: every request renders the page, with its {% cache %} fragments (the
#              comment thread, the article's text, the header) kept, as right after a vote purged the page.
#              Target: >= 5x Wagtail's article page.
#   ours-cold  PAGE_CACHE_SECONDS=0 FRAGMENT_CACHE_SECONDS=0: nothing cached, all 50 comments rendered
#              through the template engine every time. Target: >= 0.5x Wagtail's article page.
#
# Through Varnish (the production recipe): bench/bench_varnish.sh.
#
# Not a test. Needs the peers set up once: ../shared/bench/peers/setup_all.sh.
# Environment (all optional):
#   DURATION=15s ROUNDS=3 CONNS="16 64" QUIET_WAIT=60 RIGS="wagtail floor" (add wordpress, static to see them)
#   WP_COMMENT_POSTS=0    passed on to bench_peers.sh (30 times WordPress' comment POSTs)
#   WORKERS=2             gunicorn workers per target (the Python peers run 2)
#   DATABASE_URL=…        a scratch database (migrated and written to); default a temporary SQLite file
#   CACHE_URL=…           the cache every target uses (each under a key prefix of its own, deleted
#                         afterwards); default Redis on 127.0.0.1:6379/0, as in production: several
#                         workers must share their cache (gunicorn.conf.py refuses locmem:// with more than one)
# Writes bench/results/pages-<UTC time>/ (summary.md, rss.tsv, the peers' raw results).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$ROOT/../shared/bench/peers}"
PY="$ROOT/.venv/bin/python"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/pages-$STAMP"
SCRATCH="$(mktemp -d /tmp/bench-pages.XXXXXX)"
WORKERS="${WORKERS:-2}"
mkdir -p "$OUT"

export DJANGO_SETTINGS_MODULE=headache_site.settings DEBUG=0 HTTPS_ONLY=0 NUM_PROXIES=0
export SECRET_KEY="bench-only-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS=127.0.0.1,localhost EMAIL_URL=locmem:// LOG_LEVEL=WARNING STATIC_ROOT="$SCRATCH/static"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$SCRATCH/db.sqlite3}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/0}"
PREFIX="bench-$STAMP"
unset TEST_DATABASE_NAME
cd "$ROOT"

cleanup() {
  # start() runs in a command substitution (a subshell), so the masters' PIDs are read back
  # from the servers file it writes, not from a shell variable.
  local masters=()
  [ -f "$SCRATCH/servers" ] && while read -r _ pid _; do masters+=("$pid"); done <"$SCRATCH/servers"
  for pid in "${masters[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${masters[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$SCRATCH"
  case "$CACHE_URL" in
    redis*) "$PY" -c 'import redis, sys; r = redis.Redis.from_url(sys.argv[1]); [r.delete(k) for k in r.scan_iter(match=sys.argv[2] + "*")]' \
      "$CACHE_URL" "$PREFIX" || true ;;
  esac
}
trap cleanup EXIT

echo "== preparing our site (database: ${DATABASE_URL%%://*})" >&2
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --noinput -v0
DEBUG=1 "$PY" manage.py load_demo >/dev/null
"$PY" manage.py shell --no-imports -v0 -c "$(cat bench/seed_article.py)"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start() { # name page_cache_seconds [fragment_cache_seconds] -> port; the master's PID is kept
  local name="$1" seconds="$2" fragments="${3:-86400}" port
  port="$(free_port)"
  PAGE_CACHE_SECONDS="$seconds" FRAGMENT_CACHE_SECONDS="$fragments" WEB_CONCURRENCY="$WORKERS" BIND="127.0.0.1:$port" \
    CACHE_KEY_PREFIX="$PREFIX-$name" \
    "$PY" -m gunicorn -c gunicorn.conf.py headache_site.wsgi >"$OUT/gunicorn-$name.log" 2>&1 &
  echo "$name $! $port" >>"$SCRATCH/servers"
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/articles/botox-for-headache/" && { echo "$port"; return; }
    sleep 0.2
  done
  echo "gunicorn ($name) did not answer; see $OUT/gunicorn-$name.log" >&2; exit 1
}
cold_port="$(start ours-cold 0 0)"
miss_port="$(start ours-miss 0)"
hit_port="$(start ours-hit 86400)"
echo "== ours-cold :$cold_port, ours-miss :$miss_port, ours-hit :$hit_port ($WORKERS workers each)" >&2
page=/articles/botox-for-headache/
EXTRA="ours-cold=http://127.0.0.1:$cold_port$page ours-miss=http://127.0.0.1:$miss_port$page ours-hit=http://127.0.0.1:$hit_port$page" \
RIGS="${RIGS:-wagtail floor}" OUT="$OUT/peers" QUIET_WAIT="${QUIET_WAIT:-60}" WP_COMMENT_POSTS="${WP_COMMENT_POSTS:-0}" \
  "$PEERS_DIR/bench_peers.sh" | tee "$OUT/summary.md"

# Resident memory of each worker after the run.
{
  printf 'target\tworker_pid\tVmRSS_MB\n'
  while read -r name master _; do
    for worker in $(cat "/proc/$master/task/$master/children" 2>/dev/null); do
      rss_kb="$(awk '/^VmRSS:/{print $2}' "/proc/$worker/status")"
      printf '%s\t%s\t%.1f\n' "$name" "$worker" "$(echo "$rss_kb / 1024" | bc -l)"
    done
  done <"$SCRATCH/servers"
} | tee "$OUT/rss.tsv"
echo "results: $OUT" >&2
