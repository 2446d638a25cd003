"""Several people at once on the embedded SQLite file (run by test_deployment in a fresh
interpreter, TINHSO_VAR_DIR pointing at an empty folder): officials sign in and open their
work and dossier lists, citizens file online and open their dossiers, each in a thread of its
own with its own connection, as the threaded demo server serves them.
Prints what went wrong as JSON (an empty list when nothing did)."""

import json
import sys
import threading
import traceback
from datetime import date

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tinhso.core.models import AdministrativeUnit, Agency  # noqa: E402
from tinhso.core.roles import Role  # noqa: E402
from tinhso.core.tests.factories import DEFAULT_PASSWORD, StaffFactory  # noqa: E402
from tinhso.dossiers.tests.conftest import (  # noqa: E402
    make_procedure,
    make_user,
    submit_online,
)

PEOPLE, ROUNDS = 4, 3


class Province:
    """What submit_online needs of the dossier tests' province: an agency, a procedure."""

    def __init__(self, agency, procedure):
        self.agency, self.procedure = agency, procedure
        version = procedure.current_version
        self.form, self.id_copy, _photo = version.components.order_by("order")


def build_province() -> Province:
    unit = AdministrativeUnit.objects.create(
        code="25", name="Tỉnh Phú Thọ", level=AdministrativeUnit.Level.PROVINCE,
        division_type="tỉnh", codename="phu_tho", valid_from=date(2025, 7, 1))
    agency = Agency.objects.create(code="H44.07", name="Sở Tư pháp", unit=unit,
                                   level=Agency.Level.PROVINCE)
    return Province(agency, make_procedure([agency]))


def official(n, problems):
    username = f"motcua{n}"
    try:
        for _ in range(ROUNDS):
            client = Client(REMOTE_ADDR=f"10.0.0.{n}")
            signed_in = client.post("/login/", {"username": username,
                                                "password": DEFAULT_PASSWORD})
            if signed_in.status_code != 302:
                problems.append(f"{username} sign-in answered {signed_in.status_code}")
            for path in ("/office/", "/office/dossiers/"):
                answer = client.get(path)
                if answer.status_code != 200:
                    problems.append(f"{username} {path} answered {answer.status_code}")
    except Exception:
        problems.append(traceback.format_exc())
    finally:
        connections.close_all()


def citizen(n, province, problems):
    """Files online (the code counter is read, then written, in one transaction) and opens
    their dossiers."""
    user = make_user(f"congdan{n}", personal_id=f"0250950{n:05d}", full_name=f"Công Dân {n}")
    try:
        client = Client(REMOTE_ADDR=f"10.0.1.{n}")
        client.force_login(user)
        for _ in range(ROUNDS):
            submit_online(province, user=user, at_=timezone.now())
            answer = client.get("/my/dossiers/")
            if answer.status_code != 200:
                problems.append(f"/my/dossiers/ answered {answer.status_code}")
    except Exception:
        problems.append(traceback.format_exc())
    finally:
        connections.close_all()


def main():
    assert connection.vendor == "sqlite" and "memory" not in str(connection.settings_dict["NAME"])
    call_command("migrate", verbosity=0)
    province = build_province()
    for n in range(PEOPLE):
        StaffFactory(username=f"motcua{n}", agency=province.agency,
                     roles=[Role.ONE_STOP_OFFICER])
    connections.close_all()
    problems = []
    threads = [threading.Thread(target=official, args=(n, problems)) for n in range(PEOPLE)]
    threads += [threading.Thread(target=citizen, args=(n, province, problems))
                for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(problems, sys.stdout)


if __name__ == "__main__":
    main()
