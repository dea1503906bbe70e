"""Remove a user's second factor (authenticator and recovery codes), e.g. the last admin's lost phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from egov_plan.accounts import second_factor


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator and recovery codes: they enrol again the next time a second "
        "factor is asked for, and a session verified with the removed device asks again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        removed = second_factor.reset(user)
        self.stdout.write(self.style.SUCCESS(f"{username}: {removed} device(s) removed"))
