"""The fast renderers' plain paths (templates/reports/plain/), put in their place on a page, and
pages compared as markup: what the equivalence tests of tests/fast/ share."""

import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# A text no escape may miss: markup, both quotes, an ampersand, and Bengali.
HOSTILE = "<b>\"ঝুঁকি\" & 'x'</b>"


def plain(template_name: str, **fixed):
    """A stand-in for a fast renderer: its rows through the plain template."""

    def render(rows, **context):
        return mark_safe(render_to_string(template_name, {"rows": rows, **fixed, **context}))

    return render


def markup(html: str) -> str:
    """A page's markup without what differs between two requests (the CSRF token, the save key,
    the script nonce) and without the whitespace between tags (which a browser ignores)."""
    html = re.sub(r'(name="(?:csrfmiddlewaretoken|save_key)" value=)"[^"]*"', r'\1""', html)
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def first_difference(a: str, b: str, width: int = 160) -> str:
    """Where two pages' markup part (for an assertion's message)."""
    a, b = markup(a), markup(b)
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"\nfast:  …{a[max(0, at - 40) : at + width]}\nplain: …{b[max(0, at - 40) : at + width]}"
