from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _content_changed(**kwargs) -> None:
    """Anything readers see on an article or in a list changed, however it was changed (admin,
    workflow, import, a script): cached pages are dropped once the change is committed."""
    from .caching import invalidate_content

    transaction.on_commit(invalidate_content)


# Saving a user with only these fields changed shows nothing new to readers (a sign-in sets last_login).
_UNSEEN_USER_FIELDS = frozenset({"last_login", "password"})


def _user_changed(*, update_fields=None, **kwargs) -> None:
    """Bylines show a contributor's account name when they have no profile."""
    if update_fields is None or not set(update_fields) <= _UNSEEN_USER_FIELDS:
        _content_changed()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from .models import Article, ContributorProfile, Reference, Topic

        for model in (Article, Topic, Reference, ContributorProfile):
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"pages-saved-{model.__name__}")
            post_delete.connect(_content_changed, sender=model, dispatch_uid=f"pages-deleted-{model.__name__}")
        m2m_changed.connect(_content_changed, sender=Article.topics.through, dispatch_uid="pages-article-topics")
        user_model = get_user_model()
        post_save.connect(_user_changed, sender=user_model, dispatch_uid="pages-user-saved")
        post_delete.connect(_content_changed, sender=user_model, dispatch_uid="pages-user-deleted")
