"""HTML written in Python, escaped by construction.

The fast renderers (this folder) write their rows with these three instead of f-strings: `html`
fills a template's `{}` with values escaped as the template engine's autoescaping escapes them
(text escaped, markup already marked safe kept), and `join` escapes any part that is not marked
safe, so that no call site can forget an escape: a value left raw comes out as text, never as
markup. It is `django.utils.html.format_html` / `format_html_join` without the lazy-string wrapper
(`keep_lazy`) that those and `conditional_escape` add to every call, which on the entry page cost
more than the escaping itself.
"""

from html import escape

from django.utils.safestring import SafeData, SafeString


def html(template: str, *values) -> SafeString:
    """`template` (markup written in the code) with each `{}` filled by its value, escaped as
    `django.utils.html.conditional_escape` does: text escaped (& < > " '), safe markup kept."""
    return SafeString(
        template.format(
            *[value if isinstance(value, SafeData) else escape(str(value)) for value in values]
        )
    )


def join(parts, separator: str = "") -> SafeString:
    """The parts joined, each one that is not marked safe escaped (markup comes from `html`)."""
    return SafeString(
        separator.join(part if isinstance(part, SafeData) else escape(str(part)) for part in parts)
    )
