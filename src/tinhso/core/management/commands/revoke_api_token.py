"""Revoke an API token, named by its prefix (tsk_xxxxxxxx) as lists and the admin show it."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.core import tokens
from tinhso.core.models import ApiToken


class Command(BaseCommand):
    help = "Thu hồi mã API theo tiền tố (tsk_xxxxxxxx), có hiệu lực ngay."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="Tiền tố của mã, ví dụ tsk_1a2b3c4d.")

    def handle(self, *args, prefix, **options):
        token = ApiToken.objects.filter(prefix=prefix.strip()[:16]).first()
        if token is None:
            raise CommandError(f"Không có mã API {prefix}.")
        already = token.revoked_at is not None
        token = tokens.revoke(None, token)
        state = "đã bị thu hồi từ trước" if already else "đã thu hồi"
        self.stdout.write(f"Mã API {token.prefix} ({token.name}) {state} "
                          f"lúc {token.revoked_at:%Y-%m-%d %H:%M} UTC.")
