"""In CI every test runs: a skip fails the run, unless it is a test for the other database."""

import os
import subprocess
import sys

from django.conf import settings

SAMPLE = """
import pytest

def test_that_runs():
    pass

def test_that_skips_for_a_missing_tool():
    pytest.skip("no frobnicator installed here")

@pytest.mark.only_on_database("a-database-this-run-does-not-use")
def test_for_another_database():
    pass
"""


def run_sample(tmp_path, *, ci: bool) -> subprocess.CompletedProcess:
    """pytest in a child process, on a sample file, under the rules of tests/conftest.py."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import *\n")
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {name: value for name, value in os.environ.items() if name != "CI"} | ({"CI": "true"} if ci else {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-c",
            str(settings.BASE_DIR / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "--confcutdir",
            str(tmp_path),
            str(tmp_path / "test_sample.py"),
        ],  # fmt: skip
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_in_ci_a_skipped_test_fails_the_run_and_says_why(tmp_path):
    run = run_sample(tmp_path, ci=True)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed, 1 skipped" in run.stdout
    assert "Skipped in CI, where every test must run: Skipped: no frobnicator installed here" in run.stdout
    assert "runs on a-database-this-run-does-not-use only" in run.stdout


def test_outside_ci_a_test_may_skip_with_its_reason(tmp_path):
    run = run_sample(tmp_path, ci=False)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 2 skipped" in run.stdout
