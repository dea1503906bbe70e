"""Legacy Bijoy (SutonnyMJ-family ANSI) text → Unicode Bengali.

Pure functions, no Django. A Bijoy cell holds Windows-1252/Latin-1 characters that the SutonnyMJ
font draws as Bengali glyphs: the characters are mapped by the table below (longest match first),
then the pre-base vowel signs (ি ে ৈ, typed before their consonant cluster) are moved after it,
the reph (©, typed after its cluster) is moved before it, and ে+া / ে+ৗ become ো / ৌ.
"""

import re

VIRAMA = "\u09cd"
NUKTA = "\u09bc"
_REPH = "\ue000"  # a private mark for the reph until it is placed
_PRE_KARS = "িেৈ"
_KARS = "ািীুূৃেৈোৌৗঁ"
_CONSONANTS = "কখগঘঙচছজঝঞটঠডঢণতথদধনপফবভমযরলশষসহড়ঢ়য়ৎ"

# Bijoy character(s) → Unicode. Conjunct glyphs, half forms (…্) and post-base forms (্…).
TABLE = {
    "A": "অ",
    "B": "ই",
    "C": "ঈ",
    "D": "উ",
    "E": "ঊ",
    "F": "ঋ",
    "G": "এ",
    "H": "ঐ",
    "I": "ও",
    "J": "ঔ",
    "K": "ক",
    "L": "খ",
    "M": "গ",
    "N": "ঘ",
    "O": "ঙ",
    "P": "চ",
    "Q": "ছ",
    "R": "জ",
    "S": "ঝ",
    "T": "ঞ",
    "U": "ট",
    "V": "ঠ",
    "W": "ড",
    "X": "ঢ",
    "Y": "ণ",
    "Z": "ত",
    "_": "থ",
    "`": "দ",
    "a": "ধ",
    "b": "ন",
    "c": "প",
    "d": "ফ",
    "e": "ব",
    "f": "ভ",
    "g": "ম",
    "h": "য",
    "i": "র",
    "j": "ল",
    "k": "শ",
    "l": "ষ",
    "m": "স",
    "n": "হ",
    "o": "ড়",
    "p": "ঢ়",
    "q": "য়",
    "r": "ৎ",
    "s": "ং",
    "t": "ঃ",
    "u": "ঁ",
    "0": "০",
    "1": "১",
    "2": "২",
    "3": "৩",
    "4": "৪",
    "5": "৫",
    "6": "৬",
    "7": "৭",
    "8": "৮",
    "9": "৯",
    "v": "া",
    "w": "ি",
    "x": "ী",
    "y": "ু",
    "z": "ু",
    "“": "ু",
    "–": "ু",
    "~": "ূ",
    "ƒ": "ূ",
    "‚": "ূ",
    "„": "ৃ",
    "…": "ৃ",
    "‡": "ে",
    "†": "ে",
    "‰": "ৈ",
    "ˆ": "ৈ",
    "Š": "ৗ",
    "|": "।",
    "Ò": "“",
    "Ó": "”",
    "Ô": "‘",
    "Õ": "’",
    "Ñ": "—",
    "&": VIRAMA,
    "©": _REPH,
    # conjunct glyphs
    "°": "ক্ক",
    "±": "ক্ট",
    "²": "ক্ষ্ম",
    "³": "ক্ত",
    "´": "ক্ম",
    "µ": "ক্র",
    "¶": "ক্ষ",
    "ÿ": "ক্ষ",
    "·": "ক্স",
    "¸": "গু",
    "º": "গ্দ",
    "»": "গ্ধ",
    "¼": "ঙ্ক",
    "½": "ঙ্গ",
    "¾": "জ্জ",
    "À": "জ্ঝ",
    "Á": "জ্ঞ",
    "¹": "জ্ঞ",
    "Â": "ঞ্চ",
    "Ã": "ঞ্ছ",
    "Ä": "ঞ্জ",
    "Å": "ঞ্ঝ",
    "Æ": "ট্ট",
    "Ç": "ড্ড",
    "È": "ণ্ট",
    "É": "ণ্ঠ",
    "Ê": "ণ্ড",
    "Ð": "ণ্ড",
    "Ë": "ত্ত",
    "Ì": "ত্থ",
    "Î": "ত্র",
    "Ï": "দ্দ",
    "×": "দ্ধ",
    "Ø": "দ্ব",
    "Ù": "দ্ম",
    "Ú": "ন্ঠ",
    "Û": "ন্ড",
    "Ü": "ন্ধ",
    "Ý": "ন্স",
    "Þ": "প্ট",
    "ß": "প্ত",
    "à": "প্প",
    "á": "প্স",
    "â": "ব্জ",
    "ã": "ব্দ",
    "ä": "ব্ধ",
    "å": "ভ্র",
    "ç": "ম্ফ",
    "é": "ল্ক",
    "ê": "ল্গ",
    "ë": "ল্ট",
    "ì": "ল্ড",
    "í": "ল্প",
    "î": "ল্ফ",
    "ï": "শু",
    "ð": "শ্চ",
    "ñ": "শ্ছ",
    "ò": "ষ্ণ",
    "ó": "ষ্ট",
    "ô": "ষ্ঠ",
    "õ": "ষ্ফ",
    "ö": "স্খ",
    "÷": "স্ট",
    "ù": "স্ফ",
    "û": "হু",
    "ü": "হৃ",
    "ý": "হ্ন",
    "þ": "হ্ম",
    "i“": "রু",
    "iæ": "রু",
    "iƒ": "রূ",
    # half forms
    "¯": "স্",
    "š": "ন্",
    "›": "ন্",
    "¤": "ম্",
    "®": "ষ্",
    "”": "চ্",
    "˜": "দ্",
    "™": "দ্",
    "•": "ঙ্",
    # post-base forms
    "Í": "্ত",
    "—": "্ত",
    "’": "্থ",
    "‘": "্তু",
    "ú": "্প",
    "^": "্ব",
    "¦": "্ব",
    "¡": "্ব",
    "Ÿ": "্ব",
    "¢": "্ভ",
    "£": "্ভ্র",
    "¥": "্ম",
    "§": "্ম",
    "¨": "্য",
    "ª": "্র",
    "«": "্র",
    "Ö": "্র",
    "¬": "্ল",
    "­": "্ল",
    "ø": "্ল",
    "œ": "্ন",
    "è": "্ন",
    "‹": "্ক",
    "Œ": "্ক্র",
    "¿": "্ত্র",
}
_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(TABLE, key=len, reverse=True)))


def _cluster_end(chars: list[str], start: int) -> int:
    """The index after the consonant cluster that begins at `start` (consonant (্ consonant)*)."""
    i = start
    if i < len(chars) and chars[i] in _CONSONANTS:
        i += 1 + (i + 1 < len(chars) and chars[i + 1] == NUKTA)
        while i + 1 < len(chars) and chars[i] == VIRAMA and chars[i + 1] in _CONSONANTS:
            i += 2 + (i + 2 < len(chars) and chars[i + 2] == NUKTA)
    return i


def _cluster_start(chars: list[str], end: int) -> int:
    """The index where the consonant cluster ending just before `end` begins."""
    i = end - 1 - (end > 1 and chars[end - 1] == NUKTA)
    if i < 0 or chars[i] not in _CONSONANTS:
        return end
    while (
        i >= 2 and chars[i - 1] == VIRAMA and (chars[i - 2] in _CONSONANTS or chars[i - 2] == NUKTA)
    ):
        i -= 3 if chars[i - 2] == NUKTA else 2
    return i


def to_unicode(text: str) -> str:
    """Bijoy-encoded text → Unicode Bengali (characters outside the table are kept)."""
    chars = list(re.sub(VIRAMA + "+", VIRAMA, _PATTERN.sub(lambda m: TABLE[m.group(0)], text)))
    # pre-base vowel signs: after their cluster
    i = 0
    while i < len(chars):
        if chars[i] in _PRE_KARS:
            end = _cluster_end(chars, i + 1)
            if end > i + 1:
                kar = chars.pop(i)
                chars.insert(end - 1, kar)
                i = end
                continue
        i += 1
    # reph: before its cluster (past any vowel signs typed between)
    while _REPH in chars:
        at = chars.index(_REPH)
        chars.pop(at)
        back = at
        while back > 0 and chars[back - 1] in _KARS:
            back -= 1
        start = _cluster_start(chars, back)
        chars[start:start] = ["র", VIRAMA]
    out = "".join(chars)
    out = re.sub(VIRAMA + "+", VIRAMA, out)
    return (
        out.replace("\u09c7\u09be", "\u09cb")
        .replace("\u09c7\u09d7", "\u09cc")
        .replace("\u0985\u09be", "\u0986")
    )


_BENGALI = re.compile("[\u0980-\u09ff]")
_STRONG = set("‡†‰ˆŠ¨ª«¯š¤˜›¶ÿ³µ¸¾»º¹´¿ÍÎËÌÏ¡¦¬œ‹ŒŸƒ„‚ÝÛÜÚÞßðþýÙ")
_WEAK = (
    set(TABLE)
    - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_`|&^~")
    - _STRONG
)
_ENGLISH_CAMEL = re.compile(r"[a-z]?(?:[A-Z][a-z]+)+|[A-Z]+s?|[a-z]?[A-Z]{1,3}")
_VOWELLESS_ENGLISH = {
    "by",
    "my",
    "why",
    "shy",
    "sky",
    "fly",
    "fry",
    "dry",
    "try",
    "cry",
    "spy",
    "sly",
    "wry",
    "gym",
    "hymn",
    "lynx",
    "myth",
    "rhythm",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "ltd",
    "vs",
    "pvt",
    "hrs",
    "yrs",
    "pcs",
    "kg",
    "km",
    "cm",
    "mm",
    "ml",
    "nd",
    "rd",
    "th",
    "pm",
    "pts",
    "tk",
    "bdt",
    "sq",
    "ft",
    "rs",
    "nos",
    "etc",
}


def _evidence(word: str) -> tuple[bool, bool]:
    """(strong, any): whether a word shows Bijoy beyond doubt, and whether it shows it at all."""
    if any(c in _STRONG for c in word) or re.search(r"[A-Za-z]©", word):
        return True, True
    letters = "".join(c for c in word if c.isascii() and c.isalpha())
    pattern = False
    if letters:
        lower = "".join(c for c in letters if c.islower())
        if re.search("[a-z][A-Z]", letters) and not _ENGLISH_CAMEL.fullmatch(letters):
            pattern = True
        if (
            lower
            and not re.search("[aeiou]", lower)
            and letters.lower() not in _VOWELLESS_ENGLISH
            and len(letters) > 1
            and re.search("[vwxqjkz]|^[A-Z][a-z]*[A-Z]", letters)
        ):
            pattern = True
    return pattern, pattern or any(c in _WEAK for c in word)


def looks_like_bijoy(text: str) -> bool:
    """Whether a cell is Bijoy text: no Unicode Bengali, and most of its words read as Bijoy."""
    if not text or _BENGALI.search(text) or re.search(r"://|www\.|@", text):
        return False
    words = [
        w
        for w in re.split(r"[\s\-/,;:()\[\]]+", text)
        if any(c.isalpha() or c in TABLE and not c.isdigit() and c not in "|&^_`~" for c in w)
    ]
    if not words:
        return False
    evidence = [_evidence(w) for w in words]
    return any(strong for strong, _ in evidence) and 2 * sum(any_ for _, any_ in evidence) >= len(
        words
    )


def convert_cells(cells: list[str]) -> tuple[list[str], list[int]]:
    """A row's cells with the Bijoy ones converted, and the indexes of those converted."""
    out, converted = [], []
    for index, cell in enumerate(cells):
        if looks_like_bijoy(cell):
            out.append(to_unicode(cell))
            converted.append(index)
        else:
            out.append(cell)
    return out, converted
