"""Builds the plan corpus in this folder: `python tests/data/plans/build.py` (its output is committed).

Each file is written from a structured spec below, in one of the layouts real offices keep (the
quarters' columns with five tiers, a single annual target, the APA form with earlier actuals and
projections), as text, .xlsx or .docx with merged headings, in Unicode, in Bijoy (SutonnyMJ) or
mixed. Beside each good file `NAME.expected.json` says, from the same spec (not from the reader),
what the import must give cell for cell; beside each faulty one `NAME.faults` lists, one a line,
exactly the faults the import must report (written by hand here).

The Bijoy text is encoded word by word from `tests/data/bijoy_pairs.tsv` and the few words below;
the build checks each encoded cell back with `egov_plan.core.bijoy.to_unicode` and stops on a mismatch.
"""

import io
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from egov_plan.core.bijoy import to_unicode  # noqa: E402 (pure, no Django)

TIERS = ["অসাধারণ", "অতি উত্তম", "উত্তম", "চলতি মান", "চলতি মানের নিম্নে"]
QUARTERS = ["১ম ত্রৈমাসিক", "২য় ত্রৈমাসিক", "৩য় ত্রৈমাসিক", "৪র্থ ত্রৈমাসিক"]
OFFICE, PLACE = "উপজেলা নির্বাহী অফিসারের কার্যালয়", "মুক্তাগাছা, ময়মনসিংহ"
SIGNATORY = ["মোঃ রফিকুল ইসলাম", "উপজেলা নির্বাহী অফিসার", "মুক্তাগাছা, ময়মনসিংহ"]
TITLE = "ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা ২০২২-২০২৩"

# SutonnyMJ spellings of words the pairs table does not hold (checked by to_unicode below).
MORE_BIJOY = {
    "সূচকের": "m~P‡Ki",
    "মানের": "gv‡bi",
    "নং": "bs",
    "গণনা": "MYbv",
    "পদ্ধতি": "c×wZ",
    "সমষ্টি": "mgwó",
    "গড়": "Mo",
    "নির্বাহী": "wbe©vnx",
    "অফিসারের": "Awdmv‡ii",
    "অফিসার": "Awdmvi",
    "মুক্তাগাছা,": "gy³vMvQv,",
    "ময়মনসিংহ": "gqgbwmsn",
    "মোঃ": "‡gvt",
    "রফিকুল": "iwdKzj",
    "ইসলাম": "Bmjvg",
    "ও": "I",
    "অতি": "AwZ",
    "চলতি": "PjwZ",
    "নিম্নে": "wb‡¤œ",
    "এ": "G",
    "১ম": "1g",
    "২য়": "2q",
    "৩য়": "3q",
    "৪র্থ": "4_©",
    "ত্রৈমাসিক": "ˆÎgvwmK",
    "আয়োজিত": "Av‡qvwRZ",
    "সহজিকৃত": "mnwRK…Z",
    "নিষ্পত্তিকৃত": "wb®úwËK…Z",
    "ক্ষেত্রের": "‡¶‡Îi",
    "কৌশলগত": "‡KŠkjMZ",
    "উদ্দেশ্য": "D‡Ïk¨",
    "উদ্দেশ্যের": "D‡Ï‡k¨i",
    "প্রকৃত": "cÖK…Z",
    "লক্ষ্যমাত্রা/নির্ণায়ক": "j¶¨gvÎv/wbY©vqK",
    "প্রক্ষেপণ": "cÖ‡¶cY",
}


def _pairs() -> dict[str, str]:
    table = {}
    for line in (HERE.parent / "bijoy_pairs.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            bijoy, unicode = line.split("\t")
            table[unicodedata.normalize("NFC", unicode)] = bijoy
    return table


BIJOY = {**_pairs(), **{unicodedata.normalize("NFC", k): v for k, v in MORE_BIJOY.items()}}
BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
TO_BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bijoy(text: str) -> str:
    """The cell as Bijoy typing stores it: each word by the table, digits and signs as ASCII."""
    if not text:
        return text
    words = []
    for word in text.split(" "):
        key = unicodedata.normalize("NFC", word)
        if key in BIJOY:
            words.append(BIJOY[key])
        elif re.fullmatch(r"[\[\]০-৯0-9./%:,()\-]+", word):
            words.append(word.translate(BENGALI_DIGITS))
        else:
            raise SystemExit(f"no Bijoy spelling for {word!r} (in {text!r}): add it to MORE_BIJOY")
    encoded = " ".join(words)
    back = unicodedata.normalize("NFC", to_unicode(encoded))
    expected = unicodedata.normalize("NFC", text.translate(BENGALI_DIGITS))
    if back.translate(BENGALI_DIGITS) != expected:
        raise SystemExit(f"{encoded!r} reads back as {back!r}, not {text!r}")
    return encoded


# ------------------------------------------------------------------------------------------------
# The plans. An indicator: code, title, method word, unit word, weight, targets (five, or one),
# the quarters' achievements (four cells), the one to date, and its notes (label → cell).


def indicator(
    code, title, method, unit, weight, targets, quarters=("", "", "", ""), to_date="", notes=None
):
    return {
        "code": code,
        "title": title,
        "method": method,
        "unit": unit,
        "weight": weight,
        "targets": targets,
        "quarters": list(quarters),
        "to_date": to_date,
        "notes": notes or {},
    }


AREAS = [
    {
        "code": "১",
        "title": "প্রাতিষ্ঠানিক ব্যবস্থাপনা",
        "weight": "২০",
        "activities": [
            {
                "code": "১.১",
                "title": "ইনোভেশন সভা",
                "indicators": [
                    indicator(
                        "১.১.১",
                        "সভা আয়োজিত",
                        "সমষ্টি",
                        "সংখ্যা",
                        "৫",
                        ["৪", "৩", "২", "১", "-"],
                        ["১", "১", "", ""],
                        "২",
                    )
                ],
            },
            {
                "code": "১.২",
                "title": "সেবা সহজিকরণ",
                "indicators": [
                    indicator(
                        "১.২.১",
                        "সেবা সহজিকৃত",
                        "তারিখ",
                        "তারিখ",
                        "১০",
                        ["১৫/১২/২০২২", "৩১/১২/২০২২", "১৫-০১-২০২৩", "31.01.2023", "১৫/০২/২৩"],
                        ["", "২০/১২/২০২২", "", ""],
                        "২০/১২/২০২২",
                    ),
                    indicator(
                        "১.২.২",
                        "ই-নথি নিষ্পত্তিকৃত",
                        "গড়",
                        "%",
                        "৫",
                        ["৮০%", "৭০%", "৬০%", "৫০%", "৪০%"],
                        ["৭০%", "৯০%", "", ""],
                        "৮০%",
                    ),
                ],
            },
        ],
    },
    {
        "code": "২",
        "title": "সেবা প্রদান",
        "weight": "১০",
        "activities": [
            {
                "code": "২.১",
                "title": "অভিযোগ প্রতিকার ব্যবস্থা",
                "indicators": [
                    indicator(
                        "২.১.১",
                        "অভিযোগ নিষ্পত্তিকৃত",
                        "সমষ্টি",
                        "জন",
                        "১০",
                        ["৪০", "৩৫", "৩০", "২৫", "২০"],
                        ["১২", "৯", "", ""],
                        "২১",
                    )
                ],
            }
        ],
    },
]
# Bijoy files hold words the table spells: the same shape, their own titles.
BIJOY_AREAS = [
    {
        "code": "১",
        "title": "ই-গভর্ন্যান্স ও উদ্ভাবন",
        "weight": "১৫",
        "activities": [
            {
                "code": "১.১",
                "title": "ইনোভেশন সভা",
                "indicators": [
                    indicator(
                        "১.১.১",
                        "সভা আয়োজিত",
                        "সমষ্টি",
                        "সংখ্যা",
                        "৫",
                        ["৪", "৩", "২", "১", "-"],
                        ["১", "১", "", ""],
                        "২",
                    )
                ],
            },
            {
                "code": "১.২",
                "title": "সেবা সহজিকরণ",
                "indicators": [
                    indicator(
                        "১.২.১",
                        "সেবা সহজিকৃত",
                        "তারিখ",
                        "তারিখ",
                        "১০",
                        ["১৫/১২/২০২২", "৩১/১২/২০২২", "১৫/০১/২০২৩", "৩১/০১/২০২৩", "১৫/০২/২০২৩"],
                        ["", "২০/১২/২০২২", "", ""],
                        "২০/১২/২০২২",
                    )
                ],
            },
        ],
    },
]


def walk(areas):
    for area in areas:
        for n, activity in enumerate(area["activities"]):
            for m, item in enumerate(activity["indicators"]):
                yield area, activity, item, n == 0 and m == 0, m == 0


# ------------------------------------------------------------------------------------------------
# Layouts: (header rows, data rows) from the spec.


def _titles(area, activity, item, first_of_area, first_of_activity) -> list[str]:
    """A row's first cells: serial, area and its weight (on the area's first row), activity (on its
    first row) and indicator."""
    return [
        area["code"] if first_of_area else "",
        f"[{area['code']}] {area['title']}" if first_of_area else "",
        area["weight"] if first_of_area else "",
        f"[{activity['code']}] {activity['title']}" if first_of_activity else "",
        f"[{item['code']}] {item['title']}",
    ]


def quarterly(areas):
    header = [
        [
            "ক্রমিক নং",
            "কর্মসম্পাদন ক্ষেত্র",
            "ক্ষেত্রের মান",
            "কার্যক্রম",
            "কর্মসম্পাদন সূচক",
            "গণনা পদ্ধতি",
            "একক",
            "কর্মসম্পাদন সূচকের মান",
            "লক্ষ্যমাত্রা ২০২২-২০২৩",
            "",
            "",
            "",
            "",
            "অর্জন",
            "",
            "",
            "",
            "",
        ],
        [""] * 8 + TIERS + QUARTERS + ["এ পর্যন্ত অর্জন"],
    ]
    rows = []
    for area, activity, item, first_of_area, first_of_activity in walk(areas):
        rows.append(
            [
                *_titles(area, activity, item, first_of_area, first_of_activity),
                item["method"],
                item["unit"],
                item["weight"],
                *item["targets"],
                *item["quarters"],
                item["to_date"],
            ]
        )
    return header, rows


def single(areas):
    header = [
        [
            "ক্রম",
            "কর্মসম্পাদন ক্ষেত্র",
            "মান",
            "কার্যক্রম",
            "কর্মসম্পাদন সূচক",
            "একক",
            "কর্মসম্পাদন সূচকের মান",
            "লক্ষ্যমাত্রা ২০২২-২৩",
            *QUARTERS,
            "মোট অর্জন",
        ]
    ]
    rows = []
    for area, activity, item, first_of_area, first_of_activity in walk(areas):
        rows.append(
            [
                *_titles(area, activity, item, first_of_area, first_of_activity),
                item["unit"],
                item["weight"],
                item["targets"][0],
                *item["quarters"],
                item["to_date"],
            ]
        )
    return header, rows


NOTE_LABELS = ["প্রকৃত অর্জন ২০২০-২১", "প্রকৃত অর্জন ২০২১-২২", "প্রক্ষেপণ ২০২৩-২৪", "প্রক্ষেপণ ২০২৪-২৫"]


def apa(areas):
    header = [
        [
            "ক্রমিক নম্বর",
            "কৌশলগত উদ্দেশ্য",
            "কৌশলগত উদ্দেশ্যের মান",
            "কার্যক্রম",
            "কর্মসম্পাদন সূচক",
            "গণনা পদ্ধতি",
            "একক",
            "কর্মসম্পাদন সূচকের মান",
            "প্রকৃত অর্জন",
            "",
            "লক্ষ্যমাত্রা/নির্ণায়ক ২০২২-২৩",
            "",
            "",
            "",
            "",
            "প্রক্ষেপণ",
            "",
        ],
        [""] * 8 + ["২০২০-২১", "২০২১-২২"] + TIERS + ["২০২৩-২৪", "২০২৪-২৫"],
    ]
    rows = []
    for area, activity, item, first_of_area, first_of_activity in walk(areas):
        notes = [item["notes"].get(label, "") for label in NOTE_LABELS]
        rows.append(
            [
                *_titles(area, activity, item, first_of_area, first_of_activity),
                item["method"],
                item["unit"],
                item["weight"],
                *notes[:2],
                *item["targets"],
                *notes[2:],
            ]
        )
    return header, rows


def with_notes(areas):
    """The spec with earlier actuals and projections for the APA layout (and no achievements)."""
    out = json.loads(json.dumps(areas))
    for _, _, item, _, _ in walk(out):
        first = item["targets"][0]
        item["notes"] = dict(
            zip(NOTE_LABELS, [item["targets"][3], item["targets"][2], first, first])
        )
        item["quarters"], item["to_date"] = ["", "", "", ""], ""
    return out


# ------------------------------------------------------------------------------------------------
# What the import must give, normalised: ISO dates, plain decimals, None for a blank tier.


def _latin(text: str) -> str:
    return text.translate(BENGALI_DIGITS).strip()


def value(unit: str, text: str):
    text = _latin(text)
    if not text or re.fullmatch(r"-+", text):
        return None
    if unit == "তারিখ":
        found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
        day, month, year = found.groups()
        year = int(year) + (2000 if len(year) == 2 else 0)
        return f"{year:04d}-{int(month):02d}-{int(day):02d}"
    return str(int(text.rstrip("%"))) if re.fullmatch(r"\d+%?", text) else text.rstrip("%")


UNITS = {"তারিখ": "date", "%": "percent", "সংখ্যা": "count", "জন": "count"}
METHODS = {"সমষ্টি": "sum", "গড়": "average", "তারিখ": "date"}
DEFAULT_METHOD = {"date": "date", "percent": "average", "count": "sum"}


def expected(
    areas, *, single_target=False, quarterly_values=True, title="ই-গভর্ন্যান্স ও উদ্ভাবন কর্মপরিকল্পনা"
):
    indicators, achievements = {}, {}
    total = 0
    for area, _activity, item, first_of_area, _ in walk(areas):
        if first_of_area:
            total += int(_latin(area["weight"]))
        unit = UNITS[item["unit"]]
        targets = [value(item["unit"], t) for t in item["targets"]]
        if single_target:
            targets = [targets[0], None, None, None, None]
        code = _latin(item["code"])
        indicators[code] = {
            "title": item["title"],
            "unit": unit,
            "unit_label": "জন" if item["unit"] == "জন" else "",
            "weight": _latin(item["weight"]),
            "method": METHODS.get(item["method"]) if not single_target else DEFAULT_METHOD[unit],
            "targets": targets,  # notes as the form prints them: Bengali digits
            "notes": "\n".join(f"{k}: {v}" for k, v in item["notes"].items() if v).translate(
                TO_BENGALI
            ),
        }
        for quarter, cell in enumerate(item["quarters"] if quarterly_values else [], start=1):
            if value(item["unit"], cell) is not None:
                achievements.setdefault(str(quarter), {})[code] = value(item["unit"], cell)
    return {
        "title": title,
        "fiscal_year": 2022,
        "total_marks": str(total),
        "indicators": indicators,
        "achievements": achievements,
    }


# ------------------------------------------------------------------------------------------------
# Writers.


def document_lines(header, rows, encode=lambda cell: cell):
    head = [[encode(OFFICE)], [encode(PLACE)], [""], [encode(TITLE)], [""]]
    body = [[encode(cell) for cell in cells] for cells in header + rows]
    foot = [[""], *[[encode(line)] for line in SIGNATORY]]
    return head, body, foot


def text_bytes(header, rows, encode=lambda cell: cell) -> bytes:
    head, body, foot = document_lines(header, rows, encode)
    return ("\n".join("\t".join(cells) for cells in head + body + foot) + "\n").encode()


def _merges(header):
    """(row, first column, last row, last column) of each heading: across blank cells to its right
    that have headings below them, else down over the header's rows."""
    width = max(len(r) for r in header)
    top = header[0] + [""] * (width - len(header[0]))
    below = [row + [""] * (width - len(row)) for row in header[1:]]
    spans = []
    for c, text in enumerate(top):
        if not text:
            continue
        end = c
        while end + 1 < width and not top[end + 1] and any(row[end + 1] for row in below):
            end += 1
        if end > c:
            spans.append((0, c, 0, end))
        elif len(header) > 1 and not any(row[c] for row in below):
            spans.append((0, c, len(header) - 1, c))
    return spans


def xlsx_bytes(header, rows, encode=lambda cell: cell) -> bytes:
    from openpyxl import Workbook

    head, body, foot = document_lines(header, rows, encode)
    book = Workbook()
    sheet = book.active
    for cells in head + body + foot:
        sheet.append([cell or None for cell in cells])
    first = len(head) + 1
    for r0, c0, r1, c1 in _merges(header):
        sheet.merge_cells(
            start_row=first + r0, start_column=c0 + 1, end_row=first + r1, end_column=c1 + 1
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(header, rows, encode=lambda cell: cell) -> bytes:
    from docx import Document

    head, body, foot = document_lines(header, rows, encode)
    word = Document()
    for cells in head:
        word.add_paragraph(cells[0])
    width = max(len(r) for r in body)
    table = word.add_table(rows=len(body), cols=width)
    for r, cells in enumerate(body):
        for c, text in enumerate(cells):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in _merges(header):
        table.cell(r0, c0).merge(table.cell(r1, c1))
    first = len(header)
    for c in (0, 1, 2):  # each area's serial, title and weight merged down its rows
        top = first
        for r in range(first, len(body)):
            if r > top and body[r][c]:
                if r - 1 > top:
                    table.cell(top, c).merge(table.cell(r - 1, c))
                top = r
        if len(body) - 1 > top:
            table.cell(top, c).merge(table.cell(len(body) - 1, c))
    for cells in foot:
        word.add_paragraph(cells[0])
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


WRITERS = {"txt": text_bytes, "xlsx": xlsx_bytes, "docx": docx_bytes}


def mixed(cell: str) -> str:
    """A file converted in parts: the titles (with a bracketed code) in Bijoy, the rest Unicode."""
    return bijoy(cell) if cell.startswith("[") else cell


def faulty_rows(rows):
    """The quarterly rows with four faults, said in FAULTY_QUARTERLY below."""
    rows = [list(r) for r in rows]
    rows[0][17] = "৩"  # 1 + 1 is not 3
    rows[1][13], rows[1][14] = "২০/১২/২০২২", ""  # a December date in the first quarter
    rows[2][9] = "সত্তর"  # a target that is no percent
    rows[3][4] = "[২.১.৩] অভিযোগ নিষ্পত্তিকৃত"  # no [২.১.১] or [২.১.২]
    return rows


FAULTY_QUARTERLY = [
    "লাইন ৮: সূচক [১.১.১]: এ পর্যন্ত অর্জন “৩”, কিন্তু ত্রৈমাসিকগুলোর অর্জন থেকে (সমষ্টি) হয় ২।",
    "লাইন ৯: সূচক [১.২.১]: প্রথম ত্রৈমাসিকের অর্জন “২০/১২/২০২২” সেই ত্রৈমাসিকের (০১/০৭/২২ – ৩০/০৯/২২) বাইরে।",
    "লাইন ১০: সূচক [১.২.২] এর “অতি উত্তম” লক্ষ্যমাত্রা “সত্তর” শতাংশ নয়।",
    "লাইন ১১: সূচক [২.১.৩] এর আগে সূচক [২.১.১] নেই: নম্বরে ফাঁক।",
]


def faulty_single_rows(rows):
    rows = [list(r) for r in rows]
    rows[0][5] = "ঘণ্টা২"  # no unit
    rows[3][6] = "১২"  # the area's indicators now sum to 12, not 10
    return rows


FAULTY_SINGLE = [
    "পাতা “Sheet”, ঘর F7: সূচক [১.১.১]: “একক” কলামে “ঘণ্টা২” — তারিখ, %, সংখ্যা বা কোনো এককের নাম (যেমন জন, লক্ষ টাকা) হতে হবে "
    "(কলামটি বাদ পড়েছে কি?)।",
    "পাতা “Sheet”, সারি ১০: ক্ষেত্র [২]: সূচকগুলোর মানের যোগফল ১২, কিন্তু ক্ষেত্রের মান ১০; দুটি সমান হতে হবে।",
]


def faulty_bijoy_rows(rows):
    rows = [list(r) for r in rows]
    rows[1][8], rows[1][9] = rows[1][9], rows[1][8]  # the first two date tiers swapped
    rows[1][14] = "২০/০৯/২০২২"  # a September date in the second quarter
    return rows


FAULTY_BIJOY = [
    "সারণি ১, সারি ৪, কলাম ১৫: সূচক [১.২.১]: দ্বিতীয় ত্রৈমাসিকের অর্জন “20/09/2022” সেই ত্রৈমাসিকের (০১/১০/২২ – ৩১/১২/২২) বাইরে।",
    "সারণি ১, সারি ৪: সূচক [১.২.১]: লক্ষ্যমাত্রা ক্রমানুসারে নয় — “অতি উত্তম” (১৫/১২/২২) “অসাধারণ” (৩১/১২/২২) এর "
    "আগের তারিখ হতে পারে না।",
]


def broken_percent_rows(rows):
    rows = [list(r) for r in rows]
    rows[2][8] = "0.8"  # the 100 % target stored as a fraction
    rows[2][17] = "$-5000445]0.2f%"  # the achievement to date lost to its number format
    return rows


BROKEN_PERCENT = [
    "পাতা “Sheet”, ঘর I10: সূচক [১.২.২] এর “অসাধারণ” লক্ষ্যমাত্রা “0.8” এককের ভগ্নাংশের মতো দেখায় (স্প্রেডশিট শতাংশকে এভাবে রাখে)। "
    "প্রস্তাবিত সংশোধন: “৮০%”; গ্রহণ বা বাতিল করুন।",
    "পাতা “Sheet”, ঘর R10: সূচক [১.২.২] এর এ পর্যন্ত অর্জন “$-5000445]0.2f%” কোনো মান নয়, স্প্রেডশিটের সংখ্যা-বিন্যাসের সংকেত "
    "(মানটি রূপান্তরে হারিয়েছে)। প্রস্তাবিত সংশোধন: “ফাঁকা”; গ্রহণ বা বাতিল করুন।",
]


def corpus():
    """(file name, (header, rows), encode, expected document or None, faults or None)."""
    q = quarterly(AREAS)
    b = quarterly(BIJOY_AREAS)
    return [
        ("quarterly.txt", q, None, expected(AREAS), None),
        ("quarterly.xlsx", q, None, expected(AREAS), None),
        ("quarterly.docx", q, None, expected(AREAS), None),
        ("single_target.xlsx", single(AREAS), None, expected(AREAS, single_target=True), None),
        ("apa_form.docx", apa(with_notes(AREAS)), None, expected(with_notes(AREAS)), None),
        ("bijoy_quarterly.txt", b, bijoy, expected(BIJOY_AREAS), None),
        (
            "bijoy_apa.xlsx",
            apa(with_notes(BIJOY_AREAS)),
            bijoy,
            expected(with_notes(BIJOY_AREAS)),
            None,
        ),
        ("mixed_bijoy.docx", b, mixed, expected(BIJOY_AREAS), None),
        ("faulty_quarterly.txt", (q[0], faulty_rows(q[1])), None, None, FAULTY_QUARTERLY),
        (
            "faulty_single.xlsx",
            (single(AREAS)[0], faulty_single_rows(single(AREAS)[1])),
            None,
            None,
            FAULTY_SINGLE,
        ),
        ("faulty_bijoy.docx", (b[0], faulty_bijoy_rows(b[1])), bijoy, None, FAULTY_BIJOY),
        ("broken_percent.xlsx", (q[0], broken_percent_rows(q[1])), None, None, BROKEN_PERCENT),
    ]


def main():
    for name, (header, rows), encode, document, faults in corpus():
        path = HERE / name
        path.write_bytes(
            WRITERS[name.rsplit(".", 1)[1]](header, rows, encode or (lambda cell: cell))
        )
        stem = HERE / name.rsplit(".", 1)[0]
        if document is not None:
            Path(f"{stem}.expected.json").write_text(
                json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        else:
            Path(f"{stem}.faults").write_text("\n".join(faults) + "\n", encoding="utf-8")
        print(path.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    main()
