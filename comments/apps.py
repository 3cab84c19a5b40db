import re

from django.apps import AppConfig

TIMESTAMP_FIELD_RE = re.compile(r'<input type="hidden" name="timestamp" value="([^"]+)"')


class CommentsConfig(AppConfig):
    name = "comments"

    def ready(self):
        from articles.caching import register_fresh_value

        from .forms import fresh_timestamp, timestamp_article

        # The comment form's signed "served at" time must be this reader's, not the time the page was
        # cached: the cache fills in a fresh one for every response (see COMMENTS_MIN_SECONDS).
        register_fresh_value(
            "stamp",
            pattern=TIMESTAMP_FIELD_RE,
            argument_of=timestamp_article,
            make=fresh_timestamp,
        )
