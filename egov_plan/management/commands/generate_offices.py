"""Build a deterministic, realistic-looking office tree for demos and benchmarks.

Cabinet Division → 8 divisional offices → 64 district offices → upazila offices below them; and
under the Cabinet Division too, the rest as departments: ministries, each with a directorate and
field offices spread over the country's unions. The same --count always gives the same tree;
offices that already exist (by code) are left as they are.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from egov_plan.core import bangla
from egov_plan.offices.models import Office
from egov_plan.offices.tree import TreeBuilder, all_tiers

DIVISIONS = {
    "ঢাকা": [
        "ঢাকা",
        "গাজীপুর",
        "নারায়ণগঞ্জ",
        "নরসিংদী",
        "মানিকগঞ্জ",
        "মুন্সিগঞ্জ",
        "টাঙ্গাইল",
        "কিশোরগঞ্জ",
        "ফরিদপুর",
        "গোপালগঞ্জ",
        "মাদারীপুর",
        "রাজবাড়ী",
        "শরীয়তপুর",
    ],
    "চট্টগ্রাম": [
        "চট্টগ্রাম",
        "কক্সবাজার",
        "কুমিল্লা",
        "ব্রাহ্মণবাড়িয়া",
        "চাঁদপুর",
        "ফেনী",
        "লক্ষ্মীপুর",
        "নোয়াখালী",
        "খাগড়াছড়ি",
        "রাঙ্গামাটি",
        "বান্দরবান",
    ],
    "রাজশাহী": ["রাজশাহী", "বগুড়া", "জয়পুরহাট", "নওগাঁ", "নাটোর", "চাঁপাইনবাবগঞ্জ", "পাবনা", "সিরাজগঞ্জ"],
    "খুলনা": [
        "খুলনা",
        "বাগেরহাট",
        "সাতক্ষীরা",
        "যশোর",
        "ঝিনাইদহ",
        "মাগুরা",
        "নড়াইল",
        "কুষ্টিয়া",
        "চুয়াডাঙ্গা",
        "মেহেরপুর",
    ],
    "বরিশাল": ["বরিশাল", "ভোলা", "পটুয়াখালী", "পিরোজপুর", "ঝালকাঠি", "বরগুনা"],
    "সিলেট": ["সিলেট", "মৌলভীবাজার", "হবিগঞ্জ", "সুনামগঞ্জ"],
    "রংপুর": ["রংপুর", "দিনাজপুর", "ঠাকুরগাঁও", "পঞ্চগড়", "নীলফামারী", "লালমনিরহাট", "কুড়িগ্রাম", "গাইবান্ধা"],
    "ময়মনসিংহ": ["ময়মনসিংহ", "নেত্রকোনা", "জামালপুর", "শেরপুর"],
}
UPAZILAS = 495
# (ministry, its directorate, the name its field offices share)
MINISTRIES = [
    ("প্রাথমিক ও গণশিক্ষা মন্ত্রণালয়", "প্রাথমিক শিক্ষা অধিদপ্তর", "উপজেলা প্রাথমিক শিক্ষা অফিস"),
    ("কৃষি মন্ত্রণালয়", "কৃষি সম্প্রসারণ অধিদপ্তর", "উপজেলা কৃষি অফিস"),
    ("স্বাস্থ্য ও পরিবার কল্যাণ মন্ত্রণালয়", "স্বাস্থ্য অধিদপ্তর", "উপজেলা স্বাস্থ্য কমপ্লেক্স"),
    ("মৎস্য ও প্রাণিসম্পদ মন্ত্রণালয়", "মৎস্য অধিদপ্তর", "উপজেলা মৎস্য অফিস"),
    ("সমাজকল্যাণ মন্ত্রণালয়", "সমাজসেবা অধিদপ্তর", "উপজেলা সমাজসেবা কার্যালয়"),
    ("স্থানীয় সরকার বিভাগ", "স্থানীয় সরকার প্রকৌশল অধিদপ্তর", "উপজেলা প্রকৌশলীর কার্যালয়"),
    ("ভূমি মন্ত্রণালয়", "ভূমি রেকর্ড ও জরিপ অধিদপ্তর", "উপজেলা ভূমি অফিস"),
    ("মহিলা ও শিশু বিষয়ক মন্ত্রণালয়", "মহিলা বিষয়ক অধিদপ্তর", "উপজেলা মহিলা বিষয়ক কার্যালয়"),
    ("যুব ও ক্রীড়া মন্ত্রণালয়", "যুব উন্নয়ন অধিদপ্তর", "উপজেলা যুব উন্নয়ন কার্যালয়"),
    ("পল্লী উন্নয়ন ও সমবায় বিভাগ", "সমবায় অধিদপ্তর", "উপজেলা সমবায় কার্যালয়"),
]


def plan(count: int) -> list[tuple[str, str, str, str, str]]:
    """The first `count` offices of the national tree, parents first:
    (code, name, location, tier, parent code)."""
    rows = [("CAB", "মন্ত্রিপরিষদ বিভাগ", "ঢাকা", "ministry", "")]
    districts = []
    for d, (division, names) in enumerate(DIVISIONS.items(), start=1):
        rows.append((f"DIV-{d:02d}", "বিভাগীয় কমিশনারের কার্যালয়", division, "division", "CAB"))
        for k, district in enumerate(names, start=1):
            code = f"DC-{d:02d}{k:02d}"
            districts.append((code, district))
            rows.append((code, "জেলা প্রশাসকের কার্যালয়", district, "district", f"DIV-{d:02d}"))
    upazilas = []
    per_district, extra = divmod(UPAZILAS, len(districts))
    for index, (district_code, district) in enumerate(districts):
        for k in range(1, per_district + 1 + (index < extra)):
            place = (
                f"{district} সদর" if k == 1 else f"উপজেলা {bangla.to_bengali_digits(k)}, {district}"
            )
            upazilas.append(place)
            rows.append(
                (
                    f"UNO-{district_code[3:]}{k:02d}",
                    "উপজেলা নির্বাহী অফিসারের কার্যালয়",
                    place,
                    "upazila",
                    district_code,
                )
            )
    for m, (ministry, directorate, _) in enumerate(MINISTRIES, start=1):
        rows.append((f"MIN-{m:02d}", ministry, "ঢাকা", "ministry", "CAB"))
        rows.append((f"DEPT-{m:02d}", directorate, "ঢাকা", "department", f"MIN-{m:02d}"))
    rest = max(count - len(rows), 0)
    for n in range(rest):
        m = n % len(MINISTRIES)
        serial = n // len(MINISTRIES)
        union, upazila = divmod(serial, len(upazilas))
        rows.append(
            (
                f"FLD-{m + 1:02d}-{serial + 1:05d}",
                MINISTRIES[m][2],
                f"ইউনিয়ন {bangla.to_bengali_digits(union + 1)}, {upazilas[upazila]}",
                "department",
                f"DEPT-{m + 1:02d}",
            )
        )
    return rows[:count]


class Command(BaseCommand):
    help = "Build a deterministic office tree of COUNT offices (divisions, districts, upazilas, departments)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)

    def handle(self, *args, count, **options):
        if not 1 <= count <= 100_000:
            raise CommandError("--count must be between 1 and 100000")
        tiers = all_tiers()
        with transaction.atomic():
            rows = plan(count)
            known = dict(
                Office.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "path")
            )
            builder = TreeBuilder()
            for code, name, location, tier, parent in rows:
                if code in known:
                    continue
                office = builder.add(
                    Office(code=code, name=name, location=location, tier=tiers[tier]),
                    known.get(parent, ""),
                )
                known[code] = office.path
            created = builder.save()
        self.stdout.write(
            self.style.SUCCESS(f"{created} offices created, {count - created} already there")
        )
