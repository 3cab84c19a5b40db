"""The Markdown editor's two server calls, behind staff login and article permissions.

django-markdownx ships these views without any access check and with an
unsanitised renderer; we serve our own at the paths its widget calls.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .markdown import MAX_CHARS, MarkdownRefused, markdownify
from .uploads import ImageRejected, store_editor_image


def may_edit_articles(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.has_perm("articles.add_article") or user.has_perm("articles.change_article"))
    )


def editors_only(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not may_edit_articles(request.user):
            return JsonResponse({"error": "Only signed-in editors can use the article editor."}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
@editors_only
def preview(request: HttpRequest) -> HttpResponse:
    content = request.POST.get("content", "")
    if len(content) > MAX_CHARS:
        return JsonResponse({"error": "The text is too long to preview."}, status=413)
    try:
        preview_html = markdownify(content)
    except MarkdownRefused as refused:
        # django-markdownx's script puts whatever comes back into the preview pane: the writer reads why.
        message = format_html('<p class="preview-refused" role="alert">{}</p>', str(refused))
        return HttpResponse(message, status=400, content_type="text/html; charset=utf-8")
    return HttpResponse(preview_html, content_type="text/html; charset=utf-8")


@require_POST
@editors_only
def upload(request: HttpRequest) -> JsonResponse:
    image = request.FILES.get("image")
    if image is None:
        return JsonResponse({"image": ["No image was received."]}, status=400)
    try:
        url = store_editor_image(image)
    except ImageRejected as rejection:
        return JsonResponse({"image": [str(rejection)]}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})
