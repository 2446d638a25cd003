"""What the journeys share: the demo province, signing in, and acting as the right official."""

from django.core.management import call_command

from tinhso.catalog.models import ProcedureVersion
from tinhso.core.demo import DEFAULT_DEMO_PASSWORD
from tinhso.core.models import User
from tinhso.dossiers import selectors
from tinhso.dossiers.models import Dossier

from .accessibility import assert_accessible

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
    """A full-online procedure of the officials' commune without cases (filing by case has
    its own journey) and with papers to upload."""
    agency = officials()[0].agency
    return (ProcedureVersion.objects.filter(agencies=agency, status="published",
                                            online_level="full", procedurecases__isnull=True,
                                            components__isnull=False)
            .distinct().order_by("procedure__code").first())


def next_move(dossier: Dossier) -> tuple[User, str] | None:
    """The official who may do the next step of the work, and that step."""
    for action in WORK_ORDER:
        for user in officials():
            if action in selectors.actions_for(user, dossier):
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


def fits(page) -> bool:
    """Nothing wider than the window: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


CONFIRM = {
    "receive": "Xác nhận tiếp nhận", "start": "Xác nhận chuyển xử lý",
    "forward": "Xác nhận chuyển bước", "finish": "Xác nhận hoàn thành",
    "return_result": "Xác nhận trả kết quả",
}


def work_to_return(page, base_url: str, dossier: Dossier, shot, result_file) -> list:
    """The officials take the dossier from receipt to return in the back office, each step by
    whoever the process names; returns the (username, action) pairs in order."""
    done = []
    while (move := next_move(dossier)) is not None:
        user, action = move
        sign_in(page, base_url, user.username)
        page.goto(f"{base_url}/office/")
        if not done:
            shot(page, "office-my-work")
            assert fits(page)
            assert page.locator("#queue-to_receive, #count-to_receive").first.is_visible()
            assert_accessible(page, "back office: my work")
        page.goto(f"{base_url}/office/dossiers/{dossier.code}/")
        assert page.locator("#dossier-code").inner_text().strip() == dossier.code
        if not done:
            assert_accessible(page, "back office: dossier page")
        page.locator(f"#action-{action}").click()
        if action == "finish":
            page.locator("[name=result_name]").fill("Giấy chứng nhận (bản điện tử)")
            page.locator("[name=is_electronic]").check()
            page.locator("[name=result_file]").set_input_files(str(result_file))
        shot(page, f"office-{len(done) + 1}-{action}-confirm")
        if not done or action == "finish":
            assert_accessible(page, f"back office: confirm {action}")
        page.get_by_role("button", name=CONFIRM[action]).click()
        page.wait_for_url(f"**/office/dossiers/{dossier.code}/")
        shot(page, f"office-{len(done) + 1}-{action}-done")
        assert page.locator("#messages .alert-success").is_visible(), page.locator(
            "#messages").inner_text()
        sign_out(page)
        done.append((user.username, action))
        dossier.refresh_from_db()
        assert len(done) < 12, done
    return done
