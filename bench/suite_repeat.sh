#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL, RUNS times in a row (default 5), each run in a new
# random order (pytest-randomly), to find tests that depend on their order or their timing.
# Not part of `make test` or of every CI run: it takes RUNS × both suites (about 6 minutes a pair
# on a 2-core machine). `make test-repeat` runs it. A failure is listed with the seed that
# reproduces it:  .venv/bin/python -m pytest -p randomly --randomly-seed=SEED
#   RUNS=5  POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test  (optional); TEST_DATABASE_NAME, when
#   set, names the PostgreSQL test database (the SQLite runs keep their own file).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
postgres=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
logs=$(mktemp -d -t suite-repeat-XXXXXX)
failed=0
echo "== the suite on SQLite and PostgreSQL, $runs times in random orders (logs in $logs)"
for n in $(seq 1 "$runs"); do
  for database in sqlite postgresql; do
    seed=$(( (RANDOM << 15 | RANDOM) % 1000000000 ))
    log="$logs/run$n-$database-$seed.log"
    if [ "$database" = postgresql ]; then
      settings=(DATABASE_URL="$postgres")
    else
      settings=(-u TEST_DATABASE_NAME DATABASE_URL=)
    fi
    started=$SECONDS
    if env "${settings[@]}" .venv/bin/python -m pytest -q -p no:cacheprovider -p randomly \
        --randomly-seed="$seed" >"$log" 2>&1; then
      outcome=passed
    else
      outcome=FAILED
      failed=1
    fi
    echo "run $n, $database, seed $seed: $outcome: $(tail -n 1 "$log" | tr -d '=' | xargs) ($((SECONDS - started)) s)"
    if [ "$outcome" = FAILED ]; then
      grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /'
    fi
  done
done
exit $failed
