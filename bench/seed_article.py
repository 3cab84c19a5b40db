"""Give the demo's Botox article what the peers' copy has: 50 approved, threaded comments, plus ratings.

Run with Django set up: `manage.py shell -c "$(cat bench/seed_article.py)"` (bench_pages.sh does).
Idempotent: earlier bench comments and votes on the article are replaced.
32 top-level comments and 18 replies nested up to four deep, like the WordPress rig.
"""

import random

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from ratings.models import RatingSummary, Vote

SLUG = "botox-for-headache"
rng = random.Random(7)
article = Article.objects.get(slug=SLUG)
now = timezone.now()
with transaction.atomic():
    Comment.objects.filter(article=article).delete()
    Vote.objects.filter(article=article).delete()
    parents: list[Comment] = []
    for n in range(50):
        comment = Comment(
            article=article,
            name=f"Bench reader {n + 1}",
            email=f"bench{n + 1}@example.org",
            body=f"Comment {n + 1}: my experience with Botox for chronic migraine. " * rng.randint(1, 4),
            status=Comment.Status.APPROVED,
            reason="approved: benchmark seed",
            approved_at=now,
        )
        # 32 top-level comments, then 18 replies each under the previous comment or one before it.
        comment.attach_to(None if n < 32 else parents[-1 if n % 2 else -2])
        comment.save()
        parents.append(comment)
    scores = [rng.randint(1, 5) for _ in range(120)]
    Vote.objects.bulk_create(
        Vote(article=article, voter_key=f"bench-{n}", score=score, address_hash="") for n, score in enumerate(scores)
    )
    RatingSummary.objects.update_or_create(
        article=article, defaults={"vote_count": len(scores), "vote_total": sum(scores)}
    )
print(f"{SLUG}: {Comment.objects.filter(article=article).count()} comments, {len(scores)} votes")
