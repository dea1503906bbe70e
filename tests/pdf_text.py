"""What a PDF of the report should say and what extractors read from it (shared by the PDF tests)."""

import re
import subprocess

import pypdfium2

from reports.pdf.render import report_html

# A Bengali word: a run of the Bengali block (letters, signs, digits) and the joiners.
WORD = re.compile(r"[\u0980-\u09FF\u200C\u200D]+")
HEADER_CELL = re.compile(r"<th[^>]*>([^<]*)</th>")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def table_texts(table, html: str) -> list[str]:
    """Every text the report prints: heading, header cells, every cell, signatories."""
    plan = table.plan
    texts = [plan.office.name, plan.office.location, table.title_line]
    texts += [cell for cell in HEADER_CELL.findall(html)]
    for row in table.rows:
        texts += [
            row.area.title,
            row.activity.title,
            row.indicator.title,
            row.unit_label,
            row.weight,
            *row.targets,
            row.achievement,
            row.area.code,
            row.activity.code,
            row.indicator.code,
        ]
    for signatory in table.signatories:
        texts += [signatory.name, *signatory.lines]
    return texts


def expected_words(table) -> set[str]:
    """The distinct Bengali words of the report, from the table's own data."""
    return set(words(" ".join(table_texts(table, report_html(table, draft=True)))))


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "extract.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def pdfium_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()
