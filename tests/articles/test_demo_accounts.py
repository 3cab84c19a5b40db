"""`load_demo` makes one staff account per editorial role; `local_admin` (run by `make run`) prints their passwords."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from articles.management.commands import local_admin

pytestmark = pytest.mark.django_db

ROLES = {"writer": "Writers", "reviewer": "Medical reviewers", "editor": "Editors", "moderator": "Moderators"}


@pytest.fixture(autouse=True)
def _local(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(local_admin, "CREDENTIALS_FILE", tmp_path / ".local-admin")
    monkeypatch.setattr(local_admin, "ACCOUNTS_FILE", tmp_path / ".local-accounts")


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_load_demo_makes_one_staff_account_per_role_without_a_password():
    run("load_demo")

    for username, group in ROLES.items():
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.has_usable_password()


def test_local_admin_gives_them_random_passwords_once_and_prints_them():
    run("load_demo")

    first = run("local_admin")
    second = run("local_admin")

    assert first.splitlines()[-4:] == second.splitlines()[-4:]
    line = next(line for line in first.splitlines() if "user: editor" in line)
    password = line.split("password: ")[1]
    assert len(password) >= 16
    assert User.objects.get(username="editor").check_password(password)
    assert oct(local_admin.ACCOUNTS_FILE.stat().st_mode)[-3:] == "600"
