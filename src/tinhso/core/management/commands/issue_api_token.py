"""Issue an API token to an agency's software account; the key is printed once, here only."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tinhso.core import tokens
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = ("Cấp mã API (Bearer) cho tài khoản phần mềm của một cơ quan. Mã chỉ hiện một lần, "
            "ngay tại đây; hệ thống chỉ giữ mã băm.")

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tài khoản sở hữu mã (không phải lãnh đạo, "
                                             "giám sát hay quản trị).")
        parser.add_argument("--name", required=True,
                            help="Tên mã: phần mềm nào dùng nó, ví dụ 'Phần mềm kế toán'.")
        parser.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS,
                            help=f"Số ngày hiệu lực (mặc định {tokens.DEFAULT_DAYS}, "
                                 f"tối đa {tokens.MAX_DAYS}).")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        try:
            token, key = tokens.issue(None, user, name=name, days=days)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stderr.write(
            f"Đã cấp mã API {token.prefix} ({token.name}) cho {username}, cơ quan "
            f"{token.agency.code}, hết hạn {token.expires_at:%Y-%m-%d %H:%M} UTC. Lưu mã "
            "dưới đây ngay: nó không được hiện lại.")
        self.stdout.write(key)
