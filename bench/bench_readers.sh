#!/usr/bin/env bash
# Our Botox article as three kinds of anonymous reader see it, beside the plain-Django floor, in one run:
#
#   hit     a reader with no cookie: the cached page
#   voter   a reader who voted (signed reader cookie): the cached page with their star widget
#           rendered for them (one query), never kept
#
# (A reader with no cookie right after a vote gets a plain hit: the voter renders the new widget for
# the cache. The script checks that once; the tests assert it.)
# One gunicorn (WORKERS sync workers, Redis as the cache, SQLite scratch database), wrk at CONNS
# connections, ROUNDS rounds of DURATION, alternating with the floor (../shared/bench/peers, port 8084).
# Not a test. Prints a table and writes bench/results/readers-<UTC time>.md.
#   DURATION=10s ROUNDS=3 CONNS=64 WORKERS=2 CACHE_URL=redis://127.0.0.1:6379/0
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$ROOT/../shared/bench/peers}"
PY="$ROOT/.venv/bin/python"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/readers-$STAMP"
SCRATCH="$(mktemp -d /tmp/bench-readers.XXXXXX)"
DURATION="${DURATION:-10s}" ROUNDS="${ROUNDS:-3}" CONNS="${CONNS:-64}" WORKERS="${WORKERS:-2}"
FLOOR="http://127.0.0.1:8084/botox-for-headache/"
mkdir -p "$OUT"

export DJANGO_SETTINGS_MODULE=headache_site.settings DEBUG=0 HTTPS_ONLY=0 NUM_PROXIES=0
export SECRET_KEY="bench-only-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS=127.0.0.1,localhost EMAIL_URL=locmem:// LOG_LEVEL=WARNING STATIC_ROOT="$SCRATCH/static"
export DATABASE_URL="sqlite:///$SCRATCH/db.sqlite3" CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/0}"
export CACHE_KEY_PREFIX="bench-readers-$STAMP" RATINGS_RATE_LIMIT=100000
unset TEST_DATABASE_NAME
cd "$ROOT"

server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$SCRATCH"
  "$PY" -c 'import redis, sys; r = redis.Redis.from_url(sys.argv[1]); [r.delete(k) for k in r.scan_iter(match=sys.argv[2] + "*")]' \
    "$CACHE_URL" "$CACHE_KEY_PREFIX" || true
}
trap cleanup EXIT

curl -sf -o /dev/null "$FLOOR" || { echo "the Django floor is not answering on $FLOOR: run $PEERS_DIR/setup_all.sh" >&2; exit 1; }
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --noinput -v0
DEBUG=1 "$PY" manage.py load_demo >/dev/null
"$PY" manage.py shell --no-imports -v0 -c "$(cat bench/seed_article.py)"

port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WEB_CONCURRENCY="$WORKERS" BIND="127.0.0.1:$port" "$PY" -m gunicorn -c gunicorn.conf.py headache_site.wsgi \
  >"$OUT/gunicorn.log" 2>&1 &
server_pid=$!
page="http://127.0.0.1:$port/articles/botox-for-headache/"
for _ in $(seq 1 150); do curl -sf -o /dev/null "$page" && break; sleep 0.2; done

# A reader who votes through the form: the CSRF cookie and token from the page, then the vote.
jar="$SCRATCH/cookies"
vote() {
  local token
  token="$(curl -s -c "$jar" -b "$jar" "$page" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | cut -d'"' -f4)"
  curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H 'Accept: application/json' \
    --data "score=4&csrfmiddlewaretoken=$token" "http://127.0.0.1:$port/ratings/botox-for-headache/vote/"
}
[ "$(vote)" = 200 ] || { echo "the vote was refused; see $OUT/gunicorn.log" >&2; exit 1; }
reader_cookie="$(awk '$6 == "reader" {print $7}' "$jar")"
[ "$(curl -s -o /dev/null -D - -H "Cookie: reader=$reader_cookie" "$page" | grep -i '^x-page-cache' | tr -d '\r')" \
  = "X-Page-Cache: personal" ] || { echo "the reader's page was not answered as personal" >&2; exit 1; }

[ "$(vote)" = 200 ] && [ "$(curl -s -o /dev/null -D - "$page" | grep -i '^x-page-cache' | tr -d '\r')" = "X-Page-Cache: hit" ] \
  || { echo "after a vote the next reader did not get a plain hit" >&2; exit 1; }

measure() { # name url header round
  local name="$1" url="$2" header="${3:-}" round="$4"
  local raw="$OUT/$name-$round"
  "$PY" - "$raw" "$port" "$server_pid" "$url" "$header" <<'PYEOF'
import json, subprocess, sys, time
raw, port, server, url, header = sys.argv[1:6]
def cpu(pids):
    """CPU ticks of the processes and of their children that have exited (a recycled gunicorn worker's
    time moves to its master's cutime/cstime once it is reaped, so nothing is lost or counted twice)."""
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        except OSError:
            pass
    return total
def tree(root):
    pids, stack = set(), [int(root)]
    while stack:
        pid = stack.pop()
        pids.add(pid)
        try:
            stack += [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
        except OSError:
            pass
    return pids
floor = "8084" in url
def servers():
    """The server's processes now: workers come and go (gunicorn recycles them), so asked before and after."""
    if not floor:
        return tree(server)
    pids = set()
    out = subprocess.run(["ss", "-Hltnp", "sport = :8084"], capture_output=True, text=True).stdout
    for part in out.split("pid=")[1:]:
        pids |= tree(part.split(",")[0])
    return pids
import os
command = ["wrk", "-t1", f"-c{os.environ['CONNS']}", f"-d{os.environ['DURATION']}", "--latency"]
if header:
    command += ["-H", header]
before = cpu(servers())
text = subprocess.run([*command, url], capture_output=True, text=True).stdout
after = cpu(servers())
open(raw + ".txt", "w").write(text)
rate = float(text.split("Requests/sec:")[1].split()[0])
requests = int(text.split(" requests in ")[0].split()[-1])
def latency(label):
    value = text.split(f" {label}")[1].split()[0]
    number = float(value.rstrip("mus"))
    return number / 1000 if value.endswith("us") else number * 1000 if value.endswith("s") and not value.endswith("ms") else number
errors = "Non-2xx" in text or "Socket errors" in text
cpu_ms = (after - before) * 1000 / os.sysconf("SC_CLK_TCK") / max(requests, 1)
print(json.dumps({"rate": rate, "p50": latency("50%"), "p99": latency("99%"), "cpu_ms": round(cpu_ms, 3), "errors": errors}))
PYEOF
}

export CONNS DURATION
echo "| round | target | req/s | p50 ms | p99 ms | server CPU ms/req | errors |" | tee "$OUT/summary.md"
echo "|---|---|---:|---:|---:|---:|---|" | tee -a "$OUT/summary.md"
for round in $(seq 1 "$ROUNDS"); do
  for target in floor hit voter; do
    sleep 5
    case "$target" in
      floor) result="$(measure floor "$FLOOR" "" "$round")" ;;
      hit) result="$(measure hit "$page" "" "$round")" ;;
      voter) result="$(measure voter "$page" "Cookie: reader=$reader_cookie" "$round")" ;;
    esac
    "$PY" -c 'import json, sys; r = json.loads(sys.argv[3]); e = "yes" if r["errors"] else "none"; print("| %s | %s | %s | %.1f | %.1f | %.2f | %s |" % (sys.argv[1], sys.argv[2], format(round(r["rate"]), ","), r["p50"], r["p99"], r["cpu_ms"], e))' \
      "$round" "$target" "$result" | tee -a "$OUT/summary.md"
  done
done
echo "results: $OUT" >&2
