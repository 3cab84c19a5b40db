"""Reminders to medical reviewers about reviews that are overdue or due soon."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


def send_review_reminders(*, by_reviewer: dict, today: datetime.date) -> int:
    """One email per reviewer listing their articles due for review; returns how many were sent."""
    base = settings.SITE_URL or "http://localhost:8000"
    sent = 0
    for reviewer, articles in by_reviewer.items():
        lines = []
        for article in articles:
            when = "overdue since" if article.next_review_due < today else "due on"
            admin_url = base + reverse("admin:articles_article_change", args=[article.pk])
            lines.append(f"- {article.title}: {when} {article.next_review_due:%-d %B %Y}\n  {admin_url}")
        name = reviewer.get_full_name() or reviewer.get_username()
        body = (
            f"Hello {name},\n\nThese {settings.SITE_NAME} articles you reviewed are due for their next medical "
            "review:\n\n" + "\n".join(lines) + "\n\nThank you for keeping them accurate.\n"
        )
        subject = f"[{settings.SITE_NAME}] {len(articles)} article(s) due for medical review"
        sent += send_mail(subject, body, None, [reviewer.email])
    return sent
