import json
import secrets

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from core.errors import AppError


class Command(BaseCommand):
    help = "Create an account with its owner user and a first API key; prints one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Generated (and printed) when omitted")
        parser.add_argument("--plan", default=services.DEFAULT_PLAN)
        parser.add_argument("--credits", type=int, help="Defaults to the plan's monthly credits")

    def handle(self, *args, name, email, password, plan, credits, **options):
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            account, user, issued = services.account_create(
                name=name, email=email, password=password, plan_code=plan, credits=credits
            )
        except AppError as exc:
            # The seed's line ("1017 Bad password"), then why: the password validators' reasons, the e-mail, ...
            reason = exc.detail or (exc.data if isinstance(exc.data, str) else "")
            raise CommandError(f"{exc.entry.code} {exc.entry.message}" + (f": {reason}" if reason else "")) from None
        result = {
            "accountID": account.public_id,
            "accountSecret": issued.raw,
            "apiKey": issued.raw,
            "email": user.email,
        }
        if generated:
            result["password"] = password
        self.stdout.write(json.dumps(result))
