from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.signin import services


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator and recovery codes (a lost phone); the next sign-in "
        "asks them to set the second step up again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="user name (a member's is dv + the card number)")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with user name {username!r}.")
        removed = services.second_factor_remove(user=user, actor=None)
        self.stdout.write(f"{username}: {removed} device(s) removed.")
