"""A real varnishd with the project's VCL (deploy/varnish/default.vcl) in front of a live Django server.

Both listen on loopback ports of their own; the VCL gets the live server's
port in its backend line (what a deployer edits) and nothing else changes.
Where varnishd or the xkey module is missing the tests skip with the reason;
in CI, which installs them, they fail instead.
"""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import override_settings
from django.test.testcases import LiveServerThread, _StaticFilesHandler

VCL = Path(__file__).resolve().parent.parent.parent / "deploy" / "varnish" / "default.vcl"
BACKEND_LINE = re.compile(r'backend default \{ \.host = "127\.0\.0\.1"; \.port = "8000";')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def cache(self) -> str:
        return self.headers.get("x-cache", "")


def fetch(port: int, method: str, path: str, *, headers=None, body: str = "", source: str = "") -> Answer:
    """One HTTP request on loopback; headers come back with lower-case names."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0) if source else None
    )
    try:
        send = {"Host": "127.0.0.1", **(headers or {})}
        if body:
            send.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body.encode() or None, headers=send)
        response = connection.getresponse()
        answer_headers: dict[str, str] = {}
        for name, value in response.getheaders():
            name = name.lower()
            answer_headers[name] = f"{answer_headers[name]}\n{value}" if name in answer_headers else value
        return Answer(response.status, answer_headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


class OneRequestAtATime(WSGIServer):
    """Django's server without threads, which answers every request with `Connection: close`: once it
    stops, Varnish finds it gone instead of a pooled connection that a POST would fail on."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


class OriginThread(LiveServerThread):
    server_class = OneRequestAtATime


class Origin:
    """The site in a thread of this test process (Django's live server), that a test can stop."""

    def __init__(self):
        self.thread = OriginThread("127.0.0.1", _StaticFilesHandler, connections_override=None, port=0)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait(timeout=30)
        if self.thread.error:
            raise self.thread.error
        self.port = self.thread.port

    def stop(self):
        if self.thread.is_alive():
            self.thread.terminate()
            self.thread.join(timeout=10)


class Varnish:
    def __init__(self, *, backend_port: int, workdir: Path):
        vcl = VCL.read_text()
        assert len(BACKEND_LINE.findall(vcl)) == 1, "the VCL's backend line is not where a deployer expects it"
        edited = BACKEND_LINE.sub(f'backend default {{ .host = "127.0.0.1"; .port = "{backend_port}";', vcl)
        (workdir / "default.vcl").write_text(edited)
        self.port = free_port()
        self.log = workdir / "varnishd.log"
        self.process = subprocess.Popen(
            [
                shutil.which("varnishd"),
                "-F",
                "-n", str(workdir / "state"),
                "-a", f"127.0.0.1:{self.port}",
                "-T", f"127.0.0.1:{free_port()}",
                "-f", str(workdir / "default.vcl"),
                "-s", "malloc,64m",
            ],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"varnishd exited:\n{self.log.read_text()}")
            with contextlib.suppress(OSError):
                if fetch(self.port, "GET", "/livez").status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"varnishd did not answer within 20 s:\n{self.log.read_text()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **kwargs) -> Answer:
        return fetch(self.port, "GET", path, **kwargs)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def varnish_available() -> None:
    reason = ""
    if not shutil.which("varnishd"):
        reason = "varnishd is not installed (apt-get install varnish varnish-modules)"
    elif not list(Path("/usr/lib").glob("**/vmods/libvmod_xkey.so")):
        reason = "Varnish's xkey module is not installed (apt-get install varnish-modules)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: the Varnish tests are mandatory in CI.")
        pytest.skip(reason)


@pytest.fixture
def origin(transactional_db):
    server = Origin()
    yield server
    server.stop()


@pytest.fixture
def varnish(origin):
    varnish_available()
    # varnishd reads its files as its own unprivileged user: a folder it may enter (pytest's are private).
    workdir = Path(tempfile.mkdtemp(prefix="varnish-test-"))
    workdir.chmod(0o755)
    server = Varnish(backend_port=origin.port, workdir=workdir)
    caches = {"varnish": {"BACKEND": "articles.frontend_cache.VarnishBackend", "URLS": [server.url]}}
    try:
        with override_settings(FRONTEND_CACHES=caches, ALLOWED_HOSTS=["127.0.0.1", "testserver"]):
            yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
