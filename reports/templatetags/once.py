"""{% once key … %}…{% endonce %}: a template fragment rendered once per process for each value of
its keys and the active language, then served as rendered.

For the parts of the busiest pages that are the same for thousands of requests: the official
table's column headings, the navigation's links. Rendering them node by node cost a table page
about a tenth of its time on deadline days.

The block must depend on nothing but its keys and the language: everything it reads from the
context that can differ between two requests (a user, a plan, a token, the path) must be a key,
or stay outside the block. A CSRF token inside is refused, not cached: it differs per session.
Each block keeps at most MAX_KEPT renderings (the oldest is dropped first).
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.translation import get_language

register = template.Library()

MAX_KEPT = 256


class OnceNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys
        self.kept: dict[tuple, str] = {}
        if self.nodelist.get_nodes_by_type(CsrfTokenNode):
            raise template.TemplateSyntaxError(
                "{% once %} cannot keep a block with {% csrf_token %} in it"
            )

    def render(self, context):
        key = (get_language(), context.autoescape, *(key.resolve(context) for key in self.keys))
        try:
            return self.kept[key]
        except KeyError:
            pass
        except TypeError:  # a key that cannot be a dict key (a list, say): rendered every time
            return self._render(context)
        rendered = self._render(context)
        if len(self.kept) >= MAX_KEPT:
            try:
                self.kept.pop(next(iter(self.kept)), None)
            except (RuntimeError, StopIteration):  # another thread changed it meanwhile (gthread)
                pass
        self.kept[key] = rendered
        return rendered

    def _render(self, context) -> str:
        # In a context layer of its own: a variable the block sets (`{% … as name %}`, `{% with %}`)
        # must not reach the rest of the page, since the kept rendering that later requests get
        # sets nothing (the language list's `choices` once replaced the page's office chooser on
        # the first page of each process).
        with context.push():
            return self.nodelist.render(context)


@register.tag
def once(parser, token):
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist, keys)
