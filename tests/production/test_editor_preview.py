"""The editor's preview under real gunicorn: no Markdown a writer can send holds a worker until it is killed."""

import secrets
import time
import urllib.parse

from .conftest import scratch_database
from .servers import Gunicorn, django, http, production_env

# The text from the issue: Python-Markdown spent 30 s on it, gunicorn killed the worker, the writer got a 500.
NESTED_BRACKETS = "[" * 50_000 + "x" + "]" * 50_000
WORKER_TIMEOUT = "10"

SIGNED_IN_EDITOR = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission, User
user = User.objects.create_user("prod-editor", is_staff=True)
user.user_permissions.add(Permission.objects.get(codename="change_article"))
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""


def preview(port: int, session_key: str, content: str):
    csrf = secrets.token_hex(16)  # a 32-character secret, sent as the cookie and as the header
    headers = {
        "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": "127.0.0.1",
    }
    body = urllib.parse.urlencode({"content": content})
    started = time.monotonic()
    status, received, answer = http(port, "POST", "/editor/markdown/preview/", body=body, headers=headers, timeout=60)
    return status, answer, time.monotonic() - started


def test_the_preview_answers_the_bracket_text_at_once_and_keeps_its_worker(postgres_template, tmp_path):
    with scratch_database(postgres_template) as database:
        env = production_env(DATABASE_URL=database, GUNICORN_TIMEOUT=WORKER_TIMEOUT)
        session_key = django(SIGNED_IN_EDITOR, env=env)
        with Gunicorn(env, log_path=tmp_path / "gunicorn.log", workers=1) as server:
            workers = server.workers()

            refused = preview(server.port, session_key, NESTED_BRACKETS)
            shown = preview(server.port, session_key, "## Dose\n\nSee [1].\n\n" + "A sentence of text. " * 5_000)

            assert server.workers() == workers
            assert "WORKER TIMEOUT" not in server.log_text()

    status, answer, seconds = refused
    assert status == 400, answer[:300]
    assert b"too intricate to show" in answer
    assert seconds < 3
    status, answer, seconds = shown
    assert status == 200
    assert answer.startswith(b'<h2 id="dose">Dose</h2>') and b'href="#ref-1"' in answer
    assert seconds < 3
