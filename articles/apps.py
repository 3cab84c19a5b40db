from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _content_changed(**kwargs) -> None:
    """Anything readers see on an article or in a list changed, however it was changed (admin,
    workflow, import, a script): cached pages are dropped once the change is committed."""
    from .caching import invalidate_content

    transaction.on_commit(invalidate_content)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from .models import Article, ContributorProfile, Reference, Topic

        for model in (Article, Topic, Reference, ContributorProfile):
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"pages-saved-{model.__name__}")
            post_delete.connect(_content_changed, sender=model, dispatch_uid=f"pages-deleted-{model.__name__}")
        m2m_changed.connect(_content_changed, sender=Article.topics.through, dispatch_uid="pages-article-topics")
