"""Create (once) a local administrator for `make run` and print how to sign in."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.demo.loading import ROLE_ACCOUNTS

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".local-admin"
ACCOUNTS_FILE = Path(settings.BASE_DIR) / ".local-accounts"
USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a local administrator with a random password (DEBUG only) and print its credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("local_admin is for local development only (DEBUG=1); create real accounts instead.")
        users = get_user_model()
        if not users.objects.filter(username=USERNAME).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(USERNAME, "admin@localhost", password)
            CREDENTIALS_FILE.write_text(f"{USERNAME} {password}\n")
            CREDENTIALS_FILE.chmod(0o600)
            self.stdout.write(self.style.SUCCESS("Created a local administrator."))
        if CREDENTIALS_FILE.exists():
            username, password = CREDENTIALS_FILE.read_text().split()
            port = os.environ.get("PORT", "8000")
            self.stdout.write(f"Admin: http://127.0.0.1:{port}/admin/  user: {username}  password: {password}")
        else:
            self.stdout.write(
                f"The user {USERNAME!r} already exists; set a new password with "
                f"`python manage.py changepassword {USERNAME}`."
            )
        self.print_role_accounts()

    def print_role_accounts(self) -> None:
        """Give the demo role accounts (made by `load_demo`) a random password once, kept in .local-accounts."""
        users = get_user_model()
        known = {}
        if ACCOUNTS_FILE.exists():
            known = dict(line.split(" ", 1) for line in ACCOUNTS_FILE.read_text().splitlines() if " " in line)
        for username, *_ in ROLE_ACCOUNTS:
            user = users.objects.filter(username=username).first()
            if user is not None and (username not in known or not user.has_usable_password()):
                known[username] = secrets.token_urlsafe(12)
                user.set_password(known[username])
                user.save(update_fields=["password"])
        if not known:
            return
        ACCOUNTS_FILE.write_text("".join(f"{username} {password}\n" for username, password in sorted(known.items())))
        ACCOUNTS_FILE.chmod(0o600)
        self.stdout.write("Demo accounts, one per role (from `load_demo`):")
        for username, group, *_ in ROLE_ACCOUNTS:
            if username in known:
                self.stdout.write(f"  {group:<18} user: {username:<15} password: {known[username]}")
