"""A small office tree for the bulk-print tests, and the checks of a bulk-print zip."""

import io
import zipfile
from types import SimpleNamespace

from openpyxl import load_workbook

from egov_plan.offices.models import Office
from egov_plan.offices.tree import office_create
from reports.quarters.marks import rescore_plan
from reports.quarters.models import QuarterlyReport
from tests.factories import make_plan


def build_tree(people, *, indicators: int = 3) -> SimpleNamespace:
    """Under the supervising office: the seed office (approved), Fulpur (approved), Tarakanda under
    Fulpur (submitted only) and Haluaghat (no plan). Kendua, in the other tree, is approved too."""
    fulpur = make_plan(indicators=indicators, office_name="ফুলপুর পৌরসভা", parent=people.supervising)
    tarakanda = make_plan(
        indicators=indicators,
        office_name="তারাকান্দা উপজেলা",
        parent=Office.objects.get(pk=fulpur.office_id),
    )
    haluaghat = office_create(
        name="হালুয়াঘাট উপজেলা",
        tier="upazila",
        code="UNO-HALUAGHAT",
        parent=Office.objects.get(pk=people.supervising.pk),
    )
    kendua = make_plan(indicators=indicators, office_name="কেন্দুয়া উপজেলা", parent=people.other_office)
    QuarterlyReport.objects.filter(plan__in=[fulpur, kendua], quarter=1).update(
        status="approved", revision=1
    )
    for plan in (people.plan, fulpur, tarakanda, kendua):
        rescore_plan(plan_id=plan.pk)
    QuarterlyReport.objects.filter(plan=tarakanda, quarter=1).update(status="submitted")
    return SimpleNamespace(
        seed=people.plan,
        fulpur=fulpur,
        tarakanda=tarakanda,
        haluaghat=haluaghat,
        kendua=kendua,
        approved=[people.plan, fulpur],
    )


def read_zip(data: bytes) -> tuple[dict[str, bytes], list[tuple]]:
    """(PDF name → bytes, the index sheet's rows without the header)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    index = load_workbook(io.BytesIO(files.pop("index.xlsx"))).active
    rows = list(index.iter_rows(values_only=True))
    assert rows[0] == ("দপ্তর", "দপ্তর কোড", "অবস্থা", "প্রাপ্ত নম্বর", "ফাইলের নাম")
    return files, rows[1:]


def pdf_name(plan) -> str:
    return f"apa-{plan.pk}-{plan.fiscal_year.start_year}-q1-rev1.pdf"
