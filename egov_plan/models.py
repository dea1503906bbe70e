"""The egov_plan app's models, gathered for Django: each lives in its sub-package's models module
(offices, plans, accounts). The name the migrations refer to (`today`) is found here too."""

from egov_plan.accounts.models import (  # noqa: F401
    ApiToken,
    Membership,
    PeopleChange,
    RateLimitHit,
    UserProfile,
    UserSession,
    today,
)
from egov_plan.offices.models import Office, OfficeTier  # noqa: F401
from egov_plan.plans.models import (  # noqa: F401
    ActionPlan,
    Activity,
    FiscalYear,
    Indicator,
    PerformanceArea,
    PlanAmendment,
    RolloutJob,
    Signatory,
)
