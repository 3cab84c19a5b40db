import re
from functools import partial

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TIMESTAMP_FIELD_RE = re.compile(r'<input type="hidden" name="timestamp" value="([^"]+)"')


def _discussion_changed(*, instance, **kwargs) -> None:
    """Opening or closing comments (saved or deleted settings) changes the article page readers see."""
    from articles.caching import invalidate_discussion
    from articles.models import Article

    try:
        article = instance.article
    except Article.DoesNotExist:
        return  # deleted with its article, which already moved every page's version
    transaction.on_commit(partial(invalidate_discussion, article=article))


class CommentsConfig(AppConfig):
    name = "comments"

    def ready(self):
        from articles.caching import register_fresh_value

        from .forms import fresh_timestamp, timestamp_article
        from .models import ArticleDiscussion

        for signal in (post_save, post_delete):
            signal.connect(_discussion_changed, sender=ArticleDiscussion, dispatch_uid=f"discussion-{signal}")

        # The comment form's signed "served at" time must be this reader's, not the time the page was
        # cached: the cache fills in a fresh one for every response (see COMMENTS_MIN_SECONDS).
        register_fresh_value(
            "stamp",
            pattern=TIMESTAMP_FIELD_RE,
            argument_of=timestamp_article,
            make=fresh_timestamp,
        )
