"""What the journeys share: the demo province, signing in, and acting as the right official."""

from django.core.management import call_command

from tinhso.catalog.models import ProcedureVersion
from tinhso.core.demo import DEFAULT_DEMO_PASSWORD
from tinhso.core.models import User
from tinhso.dossiers import selectors
from tinhso.dossiers.models import Dossier

COMMUNE = "vietri"  # the demo's Phường Việt Trì; its officials are <role>.vietri
ROLES = ("motcua", "chuyenvien", "truongphong", "lanhdao")
# The order an official works through a dossier; the first one the lifecycle offers is done.
WORK_ORDER = ("receive", "start", "forward", "finish", "return_result")


def load_demo():
    call_command("load_demo_province", verbosity=0)
    call_command("load_demo_catalog", verbosity=0)


def officials() -> list[User]:
    return list(User.objects.filter(username__in=[f"{r}.{COMMUNE}" for r in ROLES]))


def full_online_version() -> ProcedureVersion:
    agency = officials()[0].agency
    return (ProcedureVersion.objects.filter(agencies=agency, status="published",
                                            online_level="full")
            .order_by("procedure__code").first())


def next_move(dossier: Dossier) -> tuple[User, str] | None:
    """The official who may do the next step of the work, and that step."""
    for action in WORK_ORDER:
        for user in officials():
            if action in selectors.offered_actions(user, dossier):
                return user, action
    return None


def sign_in(page, base_url: str, username: str, password: str = DEFAULT_DEMO_PASSWORD):
    page.goto(base_url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def sign_out(page):
    page.context.clear_cookies()
