from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .caching import CONTENT_KEY, cached_part
from .models import Topic


def topic_menu() -> list[dict[str, str]]:
    """The header's topic menu, read from the database once per content version."""
    return cached_part(
        scope=(CONTENT_KEY,),
        key="topic-menu",
        render=lambda: [
            {"name": topic.name, "get_absolute_url": topic.get_absolute_url()}
            for topic in Topic.objects.only("name", "slug")
        ],
    )


def site(request):
    """Site-wide values every page's header and footer need (the topic menu only when a page shows it)."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_topics": SimpleLazyObject(topic_menu),
    }
