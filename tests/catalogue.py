"""Reading gettext catalogues (.po) for the translation tests: entries with their flags."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgstr: str = ""
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    plural: bool = False
    references: list[str] = field(default_factory=list)


def read_po(path: Path) -> list[Entry]:
    """Every entry but the header (plural forms are not used by this project's catalogues)."""
    entries, current, key = [], Entry(), None

    def flush():
        nonlocal current
        if current.msgid or current.msgstr:
            entries.append(current)
        current = Entry()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            key = None
        elif line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            current.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif match := re.match(
            r"(msgid|msgstr|msgid_plural|msgctxt)(?:\[\d+\])?\s+(\".*\")$", line
        ):
            key = match.group(1)
            current.plural |= key == "msgid_plural"
            if key in ("msgid", "msgstr"):
                setattr(current, key, getattr(current, key) + ast.literal_eval(match.group(2)))
        elif line.startswith('"') and key in ("msgid", "msgstr"):
            setattr(current, key, getattr(current, key) + ast.literal_eval(line))
    flush()
    return [entry for entry in entries if entry.msgid]
