"""The egov_plan app's admin: user accounts (egov_plan/accounts/admin.py). The plan domain's admin
(offices, fiscal years, plans, roll-out) is a feature of reports: reports/plans/admin.py."""

from egov_plan.accounts import admin as accounts_admin  # noqa: F401  (registers)
