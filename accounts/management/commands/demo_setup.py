import json
import secrets

from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import User

DEMO_EMAIL = "demo@example.com"


class Command(BaseCommand):
    help = "Create the demo account and manager on first run; print their credentials once."

    def handle(self, *args, **options):
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write(
                f"Demo account exists: log in as {DEMO_EMAIL} (credentials were printed on the first run)."
            )
            return
        password = secrets.token_urlsafe(9)
        account, user, issued = services.account_create(
            name="Demo account", email=DEMO_EMAIL, password=password, plan_code="pro"
        )
        self.stdout.write(
            self.style.SUCCESS("Demo account created; these credentials are shown only now:\n")
            + json.dumps(
                {
                    "email": user.email,
                    "password": password,
                    "accountID": account.public_id,
                    "accountSecret": issued.raw,
                },
                indent=2,
            )
        )
