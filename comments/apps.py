from functools import partial

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# Like the articles app's: readers' pages follow the models' signals, so a comment or discussion
# changed anywhere (the admin's delete, a command, the shell) reaches them too.


def _discussion_changed(*, instance, **kwargs) -> None:
    """A comment shown or hidden, or comments opened or closed: the article's page and its thread."""
    from articles.caching import purge_article_page
    from articles.models import Article

    try:
        article = instance.article
    except Article.DoesNotExist:
        return  # deleted with its article, which purged its page
    transaction.on_commit(partial(purge_article_page, article, comments=True))


def _comment_changed(*, instance, created: bool = False, **kwargs) -> None:
    if created and not instance.is_approved:
        return  # a new comment awaiting moderation shows on no shared page
    _discussion_changed(instance=instance)


class CommentsConfig(AppConfig):
    name = "comments"

    def ready(self):
        from articles import reader

        from .forms import reader_form_state
        from .models import ArticleDiscussion, Comment

        for signal in (post_save, post_delete):
            signal.connect(_discussion_changed, sender=ArticleDiscussion, dispatch_uid=f"discussion-{signal}")
            signal.connect(_comment_changed, sender=Comment, dispatch_uid=f"comment-{signal}")
        # The comment form on a shared page has no "served at" time: the reader request gives it one.
        reader.register("comments", reader_form_state)
