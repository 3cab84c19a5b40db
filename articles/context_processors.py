from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .caching import SITE, fragment_version, is_shared
from .models import Topic


def site(request):
    """Site-wide values every page needs; `shared_page`: rendered for every anonymous reader (articles/caching.py).

    Only shared pages use {% cache %} fragments: a page rendered for one person (staff, a reader with a
    comment awaiting moderation) shows everything as it is stored now.
    """
    return {
        "shared_page": is_shared(request),
        "site_name": settings.SITE_NAME,
        "nav_topics": SimpleLazyObject(lambda: list(Topic.objects.only("name", "slug"))),
        "site_version": SimpleLazyObject(lambda: fragment_version(request, SITE)),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }
