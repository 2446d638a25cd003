import socket
import subprocess
import sys
import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from tinhso.dossiers.models import Dossier, Status
from tinhso.integrations import datastore


@pytest.mark.django_db
def test_demo_gives_the_first_citizen_a_returned_and_a_waiting_dossier(province):
    # The procedure is received by the department and the commune; only the commune has a
    # one-stop officer here, so the citizen's dossiers go there, where an official sees them.
    province.officer.agency = province.commune
    province.officer.save()
    out = StringIO()
    call_command("load_demo_portal", stdout=out)
    call_command("load_demo_portal", stdout=StringIO())  # rerun: nothing new
    text = out.getvalue()
    assert "025090001001" in text and "mật khẩu" in text
    dossiers = Dossier.objects.filter(applicant_user__personal_id="025090001001")
    assert sorted(dossiers.values_list("status", flat=True)) == [
        Status.SUPPLEMENT_REQUESTED, Status.RETURNED]
    assert set(dossiers.values_list("agency", flat=True)) == {province.commune.pk}
    user = dossiers.first().applicant_user
    kinds = {p.kind for p in datastore.store().papers(user)}
    assert "cccd" in kinds  # the id paper can be reused in a new filing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_gateway_simulator_runs_as_its_own_process():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tinhso", "payment_gateway", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the simulator did not start")
        assert answer.json() == {"status": "ok"}
        pay = f"http://127.0.0.1:{port}/paymentv2/vpcpay.html"
        refused = requests.get(f"{pay}?vnp_TmnCode=TINHSO&vnp_Amount=100&vnp_SecureHash=00",
                               timeout=5)
        assert refused.status_code == 400 and "Chữ ký không hợp lệ" in refused.text
    finally:
        process.terminate()
        process.wait(timeout=10)
