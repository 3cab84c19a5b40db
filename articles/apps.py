from functools import partial

from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# Purges follow the models' own signals, as Wagtail's frontend cache does: readers' pages must change
# however a change is made (admin, workflow, import, a command, the shell), not only through our views.


def _article_changed(*, instance, **kwargs) -> None:
    from .caching import purge_article_page

    transaction.on_commit(partial(purge_article_page, instance, text=True))


def _reference_changed(*, instance, **kwargs) -> None:
    from .caching import purge_article_page
    from .models import Article

    try:
        article = instance.article
    except Article.DoesNotExist:
        return  # deleted with its article, which purged its page
    transaction.on_commit(partial(purge_article_page, article, text=True))


def _topics_changed(*, instance, action: str, pk_set=None, **kwargs) -> None:
    """An article's topics changed (or a topic's articles): those articles' pages, and the lists."""
    from .caching import purge_article_page
    from .models import Article

    if not action.startswith("post_"):
        return
    articles = [instance] if isinstance(instance, Article) else list(Article.objects.filter(pk__in=pk_set or ()))
    for article in articles:
        transaction.on_commit(partial(purge_article_page, article, text=True))


def _every_page_changed(**kwargs) -> None:
    """A topic (in every page's menu) or a person named on articles changed."""
    from .caching import purge_site

    transaction.on_commit(purge_site)


# Saving a user with only these fields changed shows nothing new to readers (a sign-in sets last_login).
_UNSEEN_USER_FIELDS = frozenset({"last_login", "password"})


def _user_changed(*, update_fields=None, **kwargs) -> None:
    """Bylines show a contributor's account name when they have no profile."""
    if update_fields is None or not set(update_fields) <= _UNSEEN_USER_FIELDS:
        _every_page_changed()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from .models import Article, ContributorProfile, Reference, Topic

        for signal in (post_save, post_delete):
            name = "saved" if signal is post_save else "deleted"
            signal.connect(_article_changed, sender=Article, dispatch_uid=f"purge-article-{name}")
            signal.connect(_reference_changed, sender=Reference, dispatch_uid=f"purge-reference-{name}")
            signal.connect(_every_page_changed, sender=Topic, dispatch_uid=f"purge-topic-{name}")
            signal.connect(_every_page_changed, sender=ContributorProfile, dispatch_uid=f"purge-profile-{name}")
        m2m_changed.connect(_topics_changed, sender=Article.topics.through, dispatch_uid="purge-article-topics")
        user_model = get_user_model()
        post_save.connect(_user_changed, sender=user_model, dispatch_uid="purge-user-saved")
        post_delete.connect(_every_page_changed, sender=user_model, dispatch_uid="purge-user-deleted")
