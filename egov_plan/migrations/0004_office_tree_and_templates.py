"""Offices become a tree (django-treebeard's materialised path) with a code and a tier; plans gain
templates. Existing offices keep their place: paths are built from the old parent links."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

TIERS = [
    ("ministry", "মন্ত্রণালয়/বিভাগ", 1),
    ("department", "দপ্তর/সংস্থা", 2),
    ("division", "বিভাগীয় কার্যালয়", 3),
    ("district", "জেলা কার্যালয়", 4),
    ("upazila", "উপজেলা কার্যালয়", 5),
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(number: int) -> str:
    text = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        text = ALPHABET[digit] + text
    return text.rjust(4, "0")


def create_tiers(apps, schema_editor):
    OfficeTier = apps.get_model("egov_plan", "OfficeTier")
    for code, name, order in TIERS:
        OfficeTier.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def build_paths(apps, schema_editor):
    Office = apps.get_model("egov_plan", "Office")
    OfficeTier = apps.get_model("egov_plan", "OfficeTier")
    tiers = {t.code: t for t in OfficeTier.objects.all()}
    offices = list(Office.objects.order_by("pk"))
    children: dict = {}
    for office in offices:
        children.setdefault(office.parent_id, []).append(office)

    def place(parent_path: str, depth: int, siblings: list, seen: set) -> None:
        for number, office in enumerate(siblings, start=1):
            if office.pk in seen:
                continue
            seen.add(office.pk)
            office.path = parent_path + step(number)
            office.depth = depth
            kids = children.get(office.pk, [])
            office.numchild = len(kids)
            office.code = f"OFFICE-{office.pk}"
            office.tier = tiers["ministry" if depth == 1 else "department"]
            office.save()
            place(office.path, depth + 1, kids, seen)

    place("", 1, children.get(None, []), set())


class Migration(migrations.Migration):

    dependencies = [
        ("egov_plan", "0003_bengali_relation_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeTier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="সংকেত")),
                ("name", models.CharField(max_length=100, verbose_name="নাম")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="ক্রম")),
            ],
            options={"verbose_name": "দপ্তরের স্তর", "verbose_name_plural": "দপ্তরের স্তরসমূহ",
                     "ordering": ["order", "code"]},
        ),
        migrations.RunPython(create_tiers, migrations.RunPython.noop),
        migrations.AddField("office", "path", models.CharField(max_length=255, null=True)),
        migrations.AddField("office", "depth", models.PositiveIntegerField(default=1)),
        migrations.AddField("office", "numchild", models.PositiveIntegerField(default=0)),
        migrations.AddField("office", "code", models.CharField(max_length=40, null=True, verbose_name="দপ্তর কোড")),
        migrations.AddField("office", "tier", models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="offices",
            to="egov_plan.officetier", verbose_name="স্তর")),
        migrations.RunPython(build_paths, migrations.RunPython.noop),
        migrations.RemoveField("office", "parent"),
        migrations.AlterField("office", "path", models.CharField(max_length=255, unique=True)),
        migrations.AlterField("office", "depth", models.PositiveIntegerField()),
        migrations.AlterField("office", "code", models.CharField(max_length=40, unique=True, verbose_name="দপ্তর কোড")),
        migrations.AlterField("office", "tier", models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="offices", to="egov_plan.officetier",
            verbose_name="স্তর")),
        migrations.AlterField("office", "name", models.CharField(max_length=200, verbose_name="নাম")),
        migrations.AlterModelOptions("office", options={"ordering": ["path"], "verbose_name": "দপ্তর",
                                                        "verbose_name_plural": "দপ্তরসমূহ"}),
        migrations.AddIndex("office", models.Index(fields=["tier", "path"], name="office_tier_path")),
        migrations.AlterField("actionplan", "office", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="plans",
            to="egov_plan.office", verbose_name="দপ্তর")),
        migrations.AddField("actionplan", "template", models.ForeignKey(
            blank=True, limit_choices_to={"office__isnull": True}, null=True,
            on_delete=django.db.models.deletion.SET_NULL, related_name="derived_plans", to="egov_plan.actionplan",
            verbose_name="টেমপ্লেট")),
        migrations.AddField("actionplan", "targets_adjustable", models.BooleanField(
            default=False, verbose_name="দপ্তর লক্ষ্যমাত্রা সমন্বয় করতে পারে")),
        migrations.AddField("actionplan", "targets_approved_at", models.DateTimeField(
            blank=True, null=True, verbose_name="লক্ষ্যমাত্রা অনুমোদনের সময়")),
        migrations.AddField("actionplan", "targets_approved_by", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to=settings.AUTH_USER_MODEL, verbose_name="লক্ষ্যমাত্রা অনুমোদনকারী")),
        migrations.AddConstraint("actionplan", models.UniqueConstraint(
            condition=Q(office__isnull=True), fields=("fiscal_year", "title"), name="template_unique_per_year_title")),
    ]
