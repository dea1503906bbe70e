"""Pages and JSON go gzip-compressed to a browser that accepts it (egov_plan/compression.py): the
entry page costs a slow link a fraction of its size; downloads and streamed files pass untouched."""

import gzip

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from egov_plan.compression import TextGZipMiddleware
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_entry_page_is_compressed_for_a_browser_that_accepts_gzip(people):
    client = client_for(people.officer)
    url = f"/plans/{people.plan.pk}/quarters/2/edit/"
    plain = client.get(url)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert 'id="entry-form"' in page and "এই ত্রৈমাসিকের অর্জন" in page
    assert len(compressed.content) < len(plain.content) / 4
    # BREACH: the CSRF token is masked afresh and Django pads the gzip header with random bytes,
    # so the same page compresses to different lengths.
    lengths = {len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(5)}
    assert len(lengths) > 1


def test_the_service_worker_script_is_compressed():
    response = client_for(None).get("/entry-sw.js", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"entry-pages-v1" in gzip.decompress(response.content)


@pytest.mark.parametrize(
    "response",
    [
        HttpResponse(b"%PDF-1.7 " + b"0" * 5000, content_type="application/pdf"),
        HttpResponse(
            b"PK" + b"0" * 5000,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileResponse(iter([b"a" * 5000]), content_type="text/csv"),
    ],
    ids=["pdf", "xlsx", "streamed"],
)
def test_downloads_and_streamed_files_are_not_compressed(response):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    answered = TextGZipMiddleware(lambda request: response)(request)
    assert not answered.has_header("Content-Encoding")
