"""Make the bench's fixtures in the bench database: applicant accounts with live sessions,
officials' sessions, submittable (procedure, agency, components) and sample codes and names.

Sessions, not basic auth: Argon2 on every request would measure the hasher, not the engine.
Run with DJANGO_SETTINGS_MODULE=tinhso.settings and DATABASE_URL of the bench database.
"""

import json
import random
import secrets
import sys

import django

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from tinhso.catalog.models import OnlineLevel, Procedure, ProcedureVersion  # noqa: E402
from tinhso.core.text import fold  # noqa: E402
from tinhso.dossiers.models import Dossier  # noqa: E402

APPLICANTS = 200
SAMPLE = 5000


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tinhso.core.auth.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.create()
    return store.session_key


NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung"]


def applicants() -> list[dict]:
    """Citizens with a personal id (a citizen files only as themself) and one stored paper
    each, which their submissions reuse (a reference must be the applicant's own)."""
    User = get_user_model()
    out = []
    for i in range(APPLICANTS):
        user, created = User.objects.get_or_create(username=f"bench.congdan.{i:04d}")
        if created or not user.personal_id:
            user.set_unusable_password()
            user.personal_id = f"025099{i:06d}"  # Phú Thọ, a valid 12-digit personal id
            user.full_name = NAMES[i % len(NAMES)]
            user.save()
        out.append({"username": user.username, "session": session_for(user),
                    "personal_id": user.personal_id, "name": user.full_name,
                    "paper": _stored_paper(user)})
    return out


def _stored_paper(user) -> str:
    """The reference of a paper in the citizen's e-data store, made once at the desk."""
    from django.core.files.base import ContentFile

    from tinhso.catalog.services import SYSTEM
    from tinhso.dossiers import lifecycle, reuse
    from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
    from tinhso.dossiers.models import ApplicantKind, Channel

    paper = reuse.papers_of(user.personal_id).order_by("pk").first()
    if paper is None:
        version = next(v for v in _versions() if v.agencies.filter(is_active=True).exists()
                       and not v.procedurecases.exists())
        dossier = lifecycle.submit(
            SYSTEM, procedure=version.procedure_id,
            agency=version.agencies.filter(is_active=True).first(),
            applicant=ApplicantInput(ApplicantKind.CITIZEN, user.full_name, user.personal_id),
            channel=Channel.DESK, components=[
                ComponentInput("Căn cước", file=ContentFile(b"%PDF-1.4 bench",
                                                            name="can-cuoc.pdf")),
                *(ComponentInput(c.name, c.pk) for c in version.components.all()
                  if c.is_required)])  # in hand at the desk
        paper = dossier.components.exclude(file="").get()
    return f"{reuse.PAPER_PREFIX}{paper.pk}"


def _name_fragment(name: str) -> str:
    """What an official types: the given name, with the middle name when it is shorter than
    the 3 characters a name search needs (selectors.SEARCH_MIN), e.g. "Thị Hà"."""
    words = name.split()
    return words[-1] if len(words[-1]) >= 3 or len(words) < 2 else " ".join(words[-2:])


def _versions() -> list:
    """Current versions that applicants may file online."""
    return [p.current_version for p in Procedure.objects.select_related("current_version")
            .prefetch_related("current_version__agencies", "current_version__components",
                              "current_version__procedurecases")
            if p.current_version
            and p.current_version.status == ProcedureVersion.Status.PUBLISHED
            and p.current_version.online_level != OnlineLevel.NONE]


def submittables() -> list[dict]:
    """(procedure, agency, case, components) that an applicant may file online, as API
    payload: a procedure with cases once per case, with that case's papers."""
    out = []
    for version in _versions():
        for case in list(version.procedurecases.all()) or [None]:
            case_id = case.pk if case else None
            # Each paper comes from the applicant's own store (locustfile adds the reference).
            components = [{"component_id": c.pk, "name": c.name, "is_digitized": True}
                          for c in version.components.all() if c.case_id in (None, case_id)]
            for agency in version.agencies.all():
                if agency.is_active:
                    out.append({"procedure": version.procedure.code, "agency": agency.code,
                                "case": case_id, "components": components})
    return out


def officials() -> list[dict]:
    """Officials of agencies that hold dossiers, with sample codes, ids and names they see."""
    User = get_user_model()
    out = []
    for user in User.objects.filter(agency__isnull=False, is_active=True,
                                    username__startswith="chuyenvien."):
        qs = Dossier.objects.filter(agency_id=user.agency_id)
        n = qs.count()
        if n == 0:
            continue
        # Random rows without ORDER BY random() over a million: sample by primary key.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT code, applicant_id_number, applicant_name FROM dossiers_dossier "
                "TABLESAMPLE SYSTEM (5) WHERE agency_id = %s LIMIT %s",
                [user.agency_id, SAMPLE])
            rows = cur.fetchall()
        random.shuffle(rows)
        out.append({"username": user.username, "agency_id": user.agency_id, "dossiers": n,
                    "session": session_for(user),
                    "codes": [r[0] for r in rows],
                    "id_numbers": [r[1] for r in rows],
                    "names": sorted({_name_fragment(r[2]) for r in rows if r[2]}),
                    # What an official types on a keyboard without Vietnamese input: the whole
                    # name without diacritics, in lower case ("nguyen van an").
                    "folded_names": sorted({fold(r[2]) for r in rows if r[2]}),
                    # Fragments found in hundreds or thousands: a family name ("nguyen"),
                    # the day part of a code ("261204").
                    "fragments": sorted({fold(r[2]).split()[0] for r in rows if r[2]}
                                        | {r[0].split("-")[1] for r in rows})})
    return out


def main(path: str) -> None:
    fixtures = {
        "csrf": secrets.token_hex(16),  # 32 characters: a valid unmasked CSRF secret
        "applicants": applicants(),
        "officials": officials(),
        "submittable": submittables(),
        "dossiers": Dossier.objects.count(),
    }
    if not fixtures["submittable"] or not fixtures["officials"]:
        sys.exit("Không tìm thấy thủ tục nộp trực tuyến hoặc cán bộ có hồ sơ.")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(fixtures, fh, ensure_ascii=False)
    print(f"fixtures: {len(fixtures['applicants'])} applicants, "
          f"{len(fixtures['officials'])} officials, {len(fixtures['submittable'])} "
          f"submittable pairs, {fixtures['dossiers']:,} dossiers -> {path}")


if __name__ == "__main__":
    main(sys.argv[1])
