"""Evidence PDFs that carry something a viewer would run or unpack are refused, each with a Bengali
message that names the reason, next to the file's field; the values typed beside it are kept.
Plain PDFs (including ones updated incrementally, as a signed report is, and ones with only an
owner password) are accepted."""

import io

import pikepdf
import pytest
from pyhanko.pdf_utils.generic import NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from egov_plan import media
from reports.quarters.models import Evidence, QuarterlyReport
from tests.helpers import PDF_BYTES, indicator_by_code
from tests.pdf.test_pdf import download
from tests.quarters.test_evidence import upload

pytestmark = pytest.mark.django_db

JAVASCRIPT = "এতে JavaScript (স্ক্রিপ্ট) আছে, যা খুললেই চলতে পারে।"
LAUNCH = "এতে অন্য প্রোগ্রাম বা ফাইল চালু করার নির্দেশ (Launch) আছে।"
EMBEDDED = "এর ভেতরে অন্য ফাইল সংযুক্ত (এমবেড) করা আছে।"
AFTER_END = "PDF এর শেষ চিহ্নের পরে আরও কিছু (যেমন একটি ওয়েব পাতা) জোড়া আছে।"
ENCRYPTED = "এটি পাসওয়ার্ড দিয়ে সুরক্ষিত, তাই পর্যালোচক খুলতে পারবেন না।"


def pdf(change=None, **save) -> bytes:
    """A one-page PDF, changed by `change(pdf)` before it is saved."""
    document = pikepdf.new()
    document.add_blank_page()
    if change:
        change(document)
    out = io.BytesIO()
    document.save(out, **save)
    return out.getvalue()


def open_action_script(document):
    document.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )


def document_script(document):  # the document-level name tree, run when the file opens
    script = document.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("a"), script])
    )


def page_open_script(document):  # a page's additional action, nested direct dictionaries
    document.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )


def launch_link(document):  # a link annotation that starts a program
    document.pages[0].obj.Annots = document.make_indirect(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 100, 100],
                A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
            )
        ]
    )


def attachment(document):
    document.attachments["report.exe"] = pikepdf.AttachedFileSpec(
        document, b"MZ\x90\x00", mime_type="application/octet-stream"
    )


def file_annotation(document):
    spec = pikepdf.AttachedFileSpec(document, b"MZ\x90\x00").obj
    document.pages[0].obj.Annots = document.make_indirect(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[0, 0, 10, 10],
                FS=spec,
            )
        ]
    )


def xfa_form(document):
    document.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=document.make_stream(b"<xdp:xdp/>"))


# `/J#61vaScript` is `/JavaScript` spelled with a hex escape: the same name to a reader.
def disguised() -> bytes:
    """A catalogue whose placeholder is overwritten, byte for byte (the cross-reference stays right),
    with an open action spelled in hex escapes."""
    placeholder = b"/Padding (" + b"x" * 60 + b")"
    data = pdf(lambda d: setattr(d.Root, "Padding", pikepdf.String("x" * 60)))
    assert placeholder in data
    action = b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"
    return data.replace(placeholder, action.ljust(len(placeholder)))


DISGUISED = disguised()


@pytest.mark.parametrize(
    "content, reason",
    [
        (pdf(open_action_script), JAVASCRIPT),
        (pdf(document_script), JAVASCRIPT),
        (pdf(page_open_script), JAVASCRIPT),
        (
            pdf(page_open_script, object_stream_mode=pikepdf.ObjectStreamMode.generate),
            JAVASCRIPT,
        ),  # hidden in an object stream
        (DISGUISED, JAVASCRIPT),
        (pdf(xfa_form), JAVASCRIPT),
        (pdf(launch_link), LAUNCH),
        (pdf(attachment), EMBEDDED),
        (pdf(file_annotation), EMBEDDED),
        (PDF_BYTES + b"<html><script>alert(document.cookie)</script></html>", AFTER_END),
        (pdf() + b"\n<!-- -->", AFTER_END),
        (pdf(encryption=pikepdf.Encryption(user="secret", owner="owner")), ENCRYPTED),
    ],
    ids=[
        "open-action",
        "name-tree",
        "page-action",
        "object-stream",
        "hex-escaped-name",
        "xfa",
        "launch",
        "attachment",
        "file-annotation",
        "html-after-eof",
        "comment-after-eof",
        "user-password",
    ],
)
def test_an_active_pdf_is_refused_with_its_reason_and_the_typed_values_are_kept(
    officer_client, people, settings, content, reason
):
    other = indicator_by_code(people.plan, "2.1.1")
    response = upload(
        officer_client, people.plan, "1.3.1", "proof.pdf", content, **{f"value_{other.pk}": "৩"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"“proof.pdf” PDF ফাইলটি গ্রহণ করা যায় না: {reason}" in html
    assert "প্রমাণক হিসেবে শুধু সাধারণ PDF দিন" in html
    row = html[html.index('data-indicator="১.৩.১"') :]
    assert reason in row[: row.index("</tr>")]  # beside the file's own field
    assert not Evidence.objects.exists() and media.files_under() == []
    assert QuarterlyReport.objects.get(plan=people.plan, quarter=2).achievements.get().value == 3


def incremental_update(data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root[NameObject("/Lang")] = TextStringObject("bn")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        PDF_BYTES,
        pdf(),
        pdf() + b"\r\n\x00 ",  # padding after the end, as some scanners write
        incremental_update(pdf()),  # two %%EOF, as a signed report has
        pdf(encryption=pikepdf.Encryption(user="", owner="owner")),  # opens without a password
        pdf(
            lambda d: setattr(d.Root, "OpenAction", [d.pages[0].obj, pikepdf.Name.Fit])
        ),  # open at page 1: no script
    ],
    ids=[
        "empty-page-tree",
        "one-page",
        "padding",
        "incremental-update",
        "owner-password",
        "open-at-page",
    ],
)
def test_a_plain_pdf_is_accepted(officer_client, people, content):
    assert upload(officer_client, people.plan, "1.3.1", "proof.pdf", content).status_code == 302
    assert Evidence.objects.get().kind == "pdf"


def test_a_signed_report_of_the_app_is_accepted_as_evidence(officer_client, people):
    """The first quarter's signed PDF (PDF/A-3b, PAdES, an incremental update with a QR code link)."""
    signed = download(officer_client, people.plan, 1)
    assert signed.count(b"%%EOF") >= 2
    assert upload(officer_client, people.plan, "1.3.1", "signed.pdf", signed).status_code == 302
    assert Evidence.objects.get().kind == "pdf"
