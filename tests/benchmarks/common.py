import json

from django.conf import settings

from reports.plan_documents import load_plan_document


def load_seed():
    path = settings.BASE_DIR / "fixtures" / "seed_plan_2022_23.json"
    return load_plan_document(document=json.loads(path.read_text(encoding="utf-8")))
