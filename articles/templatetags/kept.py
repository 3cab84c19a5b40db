"""{% kept "name" %}…{% endkept %}: a piece of a page template rendered once per content version and reused.

For the parts of the site's frame that are the same for every reader of
every page (the head's links and scripts, the header with its topic menu,
the footer), so a page the page cache does not hold renders only what is
its own. What is inside must depend on nothing but the content and the
release: no user, no messages, no CSRF token, no `{% block %}`. The CSP
nonce is the one exception: it is kept as a stand-in and filled in for
each response.
"""

from django import template
from django.template.base import Node, NodeList
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

from ..caching import CONTENT_KEY, NONCE_STAND_IN, ascii_html, cached_part

register = template.Library()


class KeptNode(Node):
    # Nothing to find inside: it holds no {% block %} (refused when parsed), so the walk that
    # {% extends %} makes through the base template on every render need not go in.
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, name: str):
        self.nodelist = nodelist
        self.key = f"kept:{name}"

    def render(self, context) -> SafeString:
        if context.get("request") is None:
            # Error pages render without a request (and maybe without the database): nothing is kept.
            return self.nodelist.render(context)
        nonce = context.get("csp_nonce")  # a LazyNonce is falsy until it is read
        nonce = "" if nonce is None else str(nonce)

        def render() -> str:
            with context.push(csp_nonce=NONCE_STAND_IN):
                return ascii_html(self.nodelist.render(context))

        html = cached_part(scope=(CONTENT_KEY,), key=self.key, render=render)
        return mark_safe(html.replace(NONCE_STAND_IN, nonce))  # our own template output


@register.tag
def kept(parser, token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) != 2 or len(bits[1]) < 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f'{bits[0]} takes one argument, its name in quotes: {{% kept "header" %}}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    for kind in (BlockNode, CsrfTokenNode):
        if nodelist.get_nodes_by_type(kind):
            raise template.TemplateSyntaxError(
                f"{bits[0]}: what is kept is shared by every page and reader, {kind.__name__} is not"
            )
    return KeptNode(nodelist, bits[1][1:-1])
