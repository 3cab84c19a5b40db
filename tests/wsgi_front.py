"""Requests sent straight to the WSGI entry point (headache_site.wsgi.application), as gunicorn sends them."""

import io

from headache_site.wsgi import application


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status = int(status.split()[0])
        self.headers = headers
        self.body = body

    def __getitem__(self, name: str) -> str:
        values = [value for header, value in self.headers if header.lower() == name.lower()]
        assert len(values) == 1, (name, values)
        return values[0]

    def get(self, name: str) -> str | None:
        values = [value for header, value in self.headers if header.lower() == name.lower()]
        return values[0] if values else None

    @property
    def text(self) -> str:
        return self.body.decode()


def wsgi_get(path: str, *, method: str = "GET", host: str = "testserver", **extra) -> Answer:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "192.0.2.10",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    chunks = application(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return Answer(started["status"], started["headers"], body)
