"""The JSON API's URLs, included by the project's URLconf as `api-v1` (egov_plan/urls.py)."""

from reports.api import urlpatterns as api_urlpatterns

app_name = "api-v1"
urlpatterns = api_urlpatterns()
