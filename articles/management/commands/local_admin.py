"""Create (once) a local administrator for `make run` and print how to sign in."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".local-admin"
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
            self.stdout.write(f"Admin: http://127.0.0.1:<PORT>/admin/  user: {username}  password: {password}")
        else:
            self.stdout.write(
                f"The user {USERNAME!r} already exists; set a new password with "
                f"`python manage.py changepassword {USERNAME}`."
            )
