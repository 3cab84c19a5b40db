"""Reader text on the way in (invisible tricks stripped) and on the way out (escaped, links made safe)."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# NUL and other control characters (tab and newline kept), bidi overrides and
# isolates, zero-width characters and the byte-order mark.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?'\""
LINK_REL = "nofollow ugc noopener"


def clean_text(value: str) -> str:
    """Strip invisible and direction-changing characters; normalise line endings."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE_RE.sub("", value)


def _split_trailing(url: str) -> tuple[str, str]:
    """Leave sentence punctuation and an unmatched closing bracket outside the link."""
    trail = ""
    while url:
        unmatched_bracket = url[-1] == ")" and url.count("(") < url.count(")")
        if url[-1] in TRAILING_PUNCTUATION or unmatched_bracket:
            url, trail = url[:-1], url[-1] + trail
        else:
            break
    return url, trail


def render_plain_text(text: str) -> SafeString:
    """Escape everything, keep line breaks, turn http(s) addresses into nofollow links.

    The only HTML in the result is the <a> and <br> this function writes,
    around text it escaped itself; that is why marking it safe is sound.
    """
    parts = []
    position = 0
    for match in URL_RE.finditer(text):
        url, trail = _split_trailing(match.group(0))
        if not url or url.lower() in {"http://", "https://", "www."}:
            continue
        parts.append(escape(text[position : match.start()]))
        href = url if url.lower().startswith(("http://", "https://")) else f"http://{url}"
        parts.append(f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(url)}</a>')
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\n", "<br>\n")
    return mark_safe(html)  # built above from escaped text only
