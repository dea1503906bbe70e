import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_plan.settings")

application = get_wsgi_application()

from egov_plan.production import refuse_development_secrets  # noqa: E402 (needs the apps loaded)

refuse_development_secrets()
