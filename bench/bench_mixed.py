"""Readers and voters at once, through Varnish: is every vote counted, and how soon does each reader see it?

For DURATION seconds, wrk keeps CONNS readers on the article page through
Varnish while this script casts VOTES_PER_SECOND votes on the same article
(each from a new reader: the reader request for a token, then the vote, as
the page's script does) and, every SAMPLE_EVERY seconds, reads the page
through Varnish as one more reader and notes the vote count it shows.

Printed at the end (and written as JSON to the file given as OUT):
- the hit ratio of Varnish over the run (varnishstat: cache_hit / (cache_hit + cache_miss));
- wrk's requests per second, latency percentiles and non-2xx answers;
- votes sent, accepted, and counted in the database;
- freshness: for each sample, how long before the sample the newest vote it does *not*
  show was accepted (0 when it shows them all); the worst case must stay under 2 s.

Usage (bench/bench_varnish.sh runs it): python bench/bench_mixed.py VARNISH_URL VARNISH_NAME SLUG DATABASE_URL
Not a test; needs wrk and varnishstat. Loopback only.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

DURATION = int(os.environ.get("DURATION", "60"))
CONNS = int(os.environ.get("CONNS", "64"))
VOTES_PER_SECOND = float(os.environ.get("VOTES_PER_SECOND", "5"))
SAMPLE_EVERY = float(os.environ.get("SAMPLE_EVERY", "0.2"))
FIGURES_RE = re.compile(r"data-rating-figures>\[Total: (\d+) ")


def varnish_counters(name: str) -> dict[str, int]:
    output = subprocess.run(
        ["varnishstat", "-n", name, "-1", "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss", "-f", "MAIN.cache_hitpass",
         "-f", "MAIN.cache_hitmiss", "-f", "MAIN.s_pass"],
        capture_output=True, text=True, check=True, timeout=10,
    ).stdout  # fmt: skip
    return {line.split()[0].removeprefix("MAIN."): int(line.split()[1]) for line in output.splitlines() if line.strip()}


def request(url: str, *, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def vote(base: str, slug: str) -> int:
    """One new reader: the reader request (token and cookie), then a vote sent as the page's script sends it."""
    status, headers, content = request(f"{base}/articles/{slug}/reader/", headers={"Accept": "application/json"})
    if status != 200:
        return status
    cookie = "; ".join(part.split(";")[0] for part in headers.get("Set-Cookie", "").split(", ") if "=" in part)
    token = json.loads(content)["csrf_token"]
    status, _, _ = request(
        f"{base}/ratings/{slug}/vote/",
        data={"score": "4"},
        headers={"Cookie": cookie, "X-CSRFToken": token, "Accept": "application/json", "Origin": base},
    )
    return status


def main(base: str, varnish_name: str, slug: str, database_url: str) -> dict:
    import dj_database_url
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": dj_database_url.parse(database_url)}, USE_TZ=True)
    django.setup()
    from django.db import connection

    def counted() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.vote_count + s.imported_count FROM ratings_ratingsummary s "
                "JOIN articles_article a ON a.id = s.article_id WHERE a.slug = %s",
                [slug],
            )
            return cursor.fetchone()[0]

    page = f"{base}/articles/{slug}/"
    start_count = counted()
    accepted: list[tuple[float, int]] = []  # (when the vote was answered, the count it made)
    statuses: list[int] = []
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def voter():
        interval = 1 / VOTES_PER_SECOND
        next_at = time.time()
        while not stop.is_set():
            status = vote(base, slug)
            statuses.append(status)
            if status == 200:
                accepted.append((time.time(), start_count + len(accepted) + 1))
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))

    def sampler():
        while not stop.is_set():
            asked_at = time.time()  # every vote answered before this moment is due on the page
            status, _, content = request(page)
            found = FIGURES_RE.search(content.decode()) if status == 200 else None
            if found:
                samples.append((asked_at, int(found[1])))
            time.sleep(SAMPLE_EVERY)

    before = varnish_counters(varnish_name)
    wrk = subprocess.Popen(
        ["wrk", "-t1", f"-c{CONNS}", f"-d{DURATION}s", "--latency", page], stdout=subprocess.PIPE, text=True
    )
    threads = [threading.Thread(target=voter), threading.Thread(target=sampler)]
    for thread in threads:
        thread.start()
    wrk_output, _ = wrk.communicate(timeout=DURATION + 60)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    after = varnish_counters(varnish_name)
    time.sleep(1)

    delta = {key: after[key] - before.get(key, 0) for key in after}
    lookups = delta["cache_hit"] + delta["cache_miss"]
    # Staleness of a sample: the newest accepted vote it does not show, and how long before the sample it was.
    worst = 0.0
    stale_samples = 0
    for sampled_at, shown in samples:
        missing = [answered for answered, made in accepted if made > shown and answered < sampled_at]
        if missing:
            stale_samples += 1
            worst = max(worst, sampled_at - min(missing))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk_output)
    result = {
        "duration_s": DURATION,
        "readers": CONNS,
        "wrk_requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", wrk_output)[1]),
        "wrk_latency": dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", wrk_output, re.M)),
        "wrk_non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "wrk_socket_errors": re.search(r"Socket errors:.*", wrk_output)[0] if "Socket errors" in wrk_output else "none",
        "varnish": delta,
        "hit_ratio": delta["cache_hit"] / lookups if lookups else 0.0,
        "votes_sent": len(statuses),
        "votes_accepted": statuses.count(200),
        "votes_refused": len(statuses) - statuses.count(200),
        "votes_counted_in_database": counted() - start_count,
        "samples": len(samples),
        "samples_missing_a_vote": stale_samples,
        "worst_staleness_s": round(worst, 3),
    }
    return result


if __name__ == "__main__":
    outcome = main(*sys.argv[1:5])
    print(json.dumps(outcome, indent=2))
    if os.environ.get("OUT"):
        with open(os.environ["OUT"], "w") as out:
            json.dump(outcome, out, indent=2)
