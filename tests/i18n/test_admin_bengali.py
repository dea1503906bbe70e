"""The admin reads in Bengali: its headings and common texts are Bengali, and it draws them with the
Noto Sans Bengali the app ships, so that a machine without a Bengali system font (as CI) shows
letters, not boxes."""

import io
import re
import subprocess

import pytest
from PIL import Image, ImageChops

from tests.browser.test_browser_workflow import browser, log_in, screenshots  # noqa: F401 (fixtures)
from tests.conftest import client_for

# Latin text that may stand in the admin: data (user names, office codes), the scoring method's
# own label, the file types, and two hard-coded texts of libraries that no catalogue reaches:
# nested_admin's "Remove" (in its inline template) and django-axes' "Access Log for USER" (a log's str).
ALLOWED_LATIN = {
    "admin",
    "officer",
    "other_officer",
    "reviewer",
    "other_reviewer",
    "top_reviewer",
    "LGD",
    "LGRD",
    "MOPA",
    "MYMCC",
    "NETRAKONA",
    "step",
    "linear",
    "txt",
    "xlsx",
    "docx",
    "Remove",
    "Access",
    "Log",
    "for",
}


def visible_latin(html: str) -> set[str]:
    """Latin words of the text and titles/labels, as a reader (or a screen reader) meets them."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    attributes = re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', html)
    texts = [t.strip() for t in re.sub(r"<[^>]+>", "\n", html).splitlines()] + attributes
    return {
        word for t in texts if not t.startswith("&") for word in re.findall(r"[A-Za-z_]{3,}", t)
    }


@pytest.mark.django_db
def test_the_admin_index_and_common_pages_read_in_bengali(people):
    client = client_for(people.admin)
    plan = people.plan
    pages = [
        "/admin/",
        "/admin/egov_plan/actionplan/",
        f"/admin/egov_plan/actionplan/{plan.pk}/change/",
        f"/admin/egov_plan/actionplan/{plan.pk}/history/",
        f"/admin/egov_plan/actionplan/{plan.pk}/delete/",
        "/admin/egov_plan/office/",
        "/admin/egov_plan/office/add/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/auth/user/",
        "/admin/reports/reportingcalendar/",
        f"/admin/egov_plan/actionplan/?q={plan.title}",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert visible_latin(response.content.decode()) <= ALLOWED_LATIN, page

    index = client.get("/admin/").content.decode()
    assert "লগ ইন সুরক্ষা" in index and "Axes" not in index and "AXES" not in index
    assert "সাম্প্রতিক কার্যক্রম" in index and "Recent actions" not in index
    assert "আমার কার্যক্রম" in index and "কিছু নেই" in index  # no actions yet


def _bengali_sample(page, text: str) -> bytes:
    """A screenshot of `text` in the admin's own body font, large enough to compare glyphs."""
    page.evaluate(
        """text => {
        const sample = document.createElement('div');
        sample.id = 'bengali-sample';
        sample.textContent = text;
        sample.style.fontSize = '32px';
        sample.style.display = 'inline-block';
        sample.style.padding = '4px';
        document.body.prepend(sample);
    }""",
        text,
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.locator("#bengali-sample").screenshot()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_draws_bengali_with_the_shipped_font(browser, live_server, people, screenshots):
    system_bengali = subprocess.run(
        ["fc-list", ":lang=bn"], capture_output=True, text=True
    ).stdout.strip()
    page = log_in(browser, live_server, "admin")
    page.goto(f"{live_server.url}/admin/")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert "লগ ইন সুরক্ষা" in page.locator("#content-main").inner_text()
    page.screenshot(path=str(screenshots / "admin-index.png"), full_page=True)

    # The page asks for Noto Sans Bengali, and that face (the shipped file) is loaded.
    for selector in ("body", "#site-name", "#content h1", "caption"):
        family = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")
        assert "Noto Sans Bengali" in family, (selector, family)
    assert page.evaluate("""() => [...document.fonts].some(
        f => f.family.replace(/"/g, '') === 'Noto Sans Bengali' && f.status === 'loaded')""")
    assert page.evaluate("""document.fonts.check('16px "Noto Sans Bengali"', 'কর্মপরিকল্পনা')""")

    # Against a rendering with the font files blocked (what a machine without the webfont shows:
    # boxes, if it has no Bengali system font), the text looks different.
    text = "কর্মসম্পাদন সূচক ১২৩"
    with_font = _bengali_sample(page, text)
    blocked = browser.new_page(viewport={"width": 1500, "height": 1000})
    blocked.context.add_cookies(page.context.cookies())
    blocked.route(re.compile(r".*\.(ttf|woff2?)(\?.*)?$"), lambda route: route.abort())
    blocked.goto(f"{live_server.url}/admin/")
    without_font = _bengali_sample(blocked, text)
    assert not blocked.evaluate("""() => [...document.fonts].some(
        f => f.family.replace(/"/g, '') === 'Noto Sans Bengali' && f.status === 'loaded')""")
    (screenshots / "admin-bengali-with-font.png").write_bytes(with_font)
    (screenshots / "admin-bengali-font-blocked.png").write_bytes(without_font)
    first, second = (
        Image.open(io.BytesIO(with_font)).convert("L"),
        Image.open(io.BytesIO(without_font)).convert("L"),
    )
    size = (max(first.width, second.width), max(first.height, second.height))
    canvas = [Image.new("L", size, 255), Image.new("L", size, 255)]
    canvas[0].paste(first), canvas[1].paste(second)
    differing = (
        ImageChops.difference(*canvas)
        .point(lambda value: 255 if value > 64 else 0)
        .histogram()[255]
    )
    assert differing > 500, (differing, system_bengali)
    blocked.close()
