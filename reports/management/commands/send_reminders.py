"""`manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]`: the reminder e-mails due on a day
(today in Asia/Dhaka by default); run it daily (cron, or the Celery beat entry)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from reports.calendar.reminders import reminders_for, send_reminders


class Command(BaseCommand):
    help = "Send the reminder e-mails of the reporting calendar due on a day, once each."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (YYYY-MM-DD); today by default")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list what would be sent; send and record nothing",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(
                gettext("তারিখটি YYYY-MM-DD আকারে দিন (যেমন 2023-01-12), পাওয়া গেছে: {date}").format(
                    date=date
                )
            ) from None
        skipped = []
        reminders = (
            reminders_for(day, skipped=skipped)
            if dry_run
            else send_reminders(day=day, skipped=skipped)
        )
        for reminder in reminders:
            self.stdout.write(f"{reminder.kind}\t{reminder.recipient}\t{reminder.subject}")
        for person in skipped:
            self.stdout.write(f"{person.kind}\tskipped, no e-mail address\t{person}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{day.isoformat()}: {verb} {len(reminders)} e-mail(s); "
            f"skipped {len(skipped)} recipient(s) without an e-mail address"
        )
