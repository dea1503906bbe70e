"""Each signed PDF gets an unguessable token for its verification link (existing ones too)."""

from django.db import migrations, models

import reports.models


def give_tokens(apps, schema_editor):
    SignedDocument = apps.get_model("reports", "SignedDocument")
    for document in SignedDocument.objects.filter(token__isnull=True):
        document.token = reports.models.new_verification_token()
        document.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0005_bulk_print_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="signeddocument",
            name="token",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signeddocument",
            name="token",
            field=models.CharField(default=reports.models.new_verification_token, editable=False,
                                   max_length=32, unique=True),
        ),
    ]
