from django.conf import settings

from .models import Topic


def site(request):
    """Site-wide values every page's header and footer need (one small query for the topic menu)."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_topics": Topic.objects.only("name", "slug"),
    }
