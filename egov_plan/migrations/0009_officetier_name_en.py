"""Office tiers get an English name for the English interface; the five tiers an installation
starts with (0004) get theirs here, the ones an admin added are left for the admin to name."""

from django.db import migrations, models

ENGLISH_NAMES = {
    "ministry": "Ministry/Division",
    "department": "Department/Agency",
    "division": "Divisional office",
    "district": "District office",
    "upazila": "Upazila office",
}


def name_the_seeded_tiers(apps, schema_editor):
    OfficeTier = apps.get_model("egov_plan", "OfficeTier")
    for code, name_en in ENGLISH_NAMES.items():
        OfficeTier.objects.filter(code=code, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):

    dependencies = [
        ("egov_plan", "0008_indicator_unit_label_unknown_tiers"),
    ]

    operations = [
        migrations.AddField(
            model_name="officetier",
            name="name_en",
            field=models.CharField(blank=True, db_default="", default="",
                                   help_text="ইংরেজি ইন্টারফেসে দেখানো হয়; খালি রাখলে বাংলা নাম।",
                                   max_length=100, verbose_name="ইংরেজি নাম"),
        ),
        migrations.RunPython(name_the_seeded_tiers, migrations.RunPython.noop),
    ]
