"""Which WordPress object became which of ours, so a second import updates instead of duplicating."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article, Topic
from comments.models import Comment


class ImportedItem(models.Model):
    """One WordPress object (post, comment, author, category or media file) and what it became here."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        AUTHOR = "author", "Author"
        TERM = "term", "Category"
        MEDIA = "media", "Media file"

    site = models.CharField(max_length=200, help_text="The exported site's address (wp:base_blog_url).")
    kind = models.CharField(max_length=16, choices=Kind)
    wp_key = models.CharField(
        max_length=500, help_text="WordPress's id (posts, comments), login (authors), nicename (categories) or path."
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stored_name = models.CharField(max_length=300, blank=True, help_text="Where an imported media file is stored.")
    source_hash = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the exported data: unchanged data is not written again."
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_key"], name="one_import_per_wordpress_object"),
            models.CheckConstraint(
                condition=Q(kind="post", article__isnull=False)
                | Q(kind="comment", comment__isnull=False)
                | Q(kind="author", user__isnull=False)
                | Q(kind="term", topic__isnull=False)
                | (Q(kind="media") & ~Q(stored_name="")),
                name="imported_item_points_at_its_kind",
            ),
        ]

    def __str__(self):
        return f"WordPress {self.kind} {self.wp_key} from {self.site}"
