"""The active interface language for text built outside templates: Bengali by default, English on
request. The pure cores print Bengali digits; under an English interface they become Latin here,
when the text is produced (inside the request, so in its language)."""

from django.utils import translation

from egov_plan.core import bangla


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def digits(text: object) -> str:
    """`text` (printed with Bengali digits) with Latin digits when the language is English."""
    text = "" if text is None else str(text)
    return bangla.to_latin_digits(text) if english() else text
