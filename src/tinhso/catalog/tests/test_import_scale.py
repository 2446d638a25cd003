"""A province-sized catalogue (2,000 procedures) imports well under a minute, in bulk."""


from tinhso.catalog.exchange import json_format
from tinhso.catalog.exchange.importer import import_document
from tinhso.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
from tinhso.catalog.services import SYSTEM
from tinhso.core.models import AdministrativeUnit, Agency
from tinhso.core.text import fold
from tinhso.core.units import REFORM_DATE

from .docs import dumps, procedure

COMMUNES = 148
PROCEDURES = 2000


def _province_agencies(place) -> tuple[list[str], list[str]]:
    """148 commune committees (bulk) next to the fixture's departments."""
    parent = place.communes[0].unit.parent
    units = AdministrativeUnit.objects.bulk_create([
        AdministrativeUnit(code=f"{80000 + i}", name=f"Xã Quy Mô {i}",
                           search_name=f"xa quy mo {i}", level="commune", division_type="xã",
                           codename=f"xa_quy_mo_{i}", parent=parent, valid_from=REFORM_DATE)
        for i in range(COMMUNES)])
    Agency.objects.bulk_create([
        Agency(code=f"H44.{200 + i}", name=f"UBND Xã Quy Mô {i}",
               search_name=fold(f"UBND Xã Quy Mô {i}"), level="commune", unit=unit)
        for i, unit in enumerate(units)])
    communes = [f"H44.{200 + i}" for i in range(COMMUNES)]
    departments = [place.justice.code, place.construction.code, place.centre.code]
    return communes, departments


def test_two_thousand_procedures_import_in_one_go_and_reimport_as_unchanged(place):
    communes, departments = _province_agencies(place)
    procedures = []
    for i in range(PROCEDURES):
        # As in a real province: about 4 in 10 procedures are done by every commune.
        agencies = communes if i % 5 < 2 else [departments[i % 3]]
        procedures.append(procedure(f"{1 + i % 2}.{3000 + i:06d}", f"Thủ tục quy mô số {i}",
                                    agencies, amount=1000 * (i % 50)))
    doc = {"sectors": [{"code": "HO_TICH", "name": "Hộ tịch"}], "procedures": procedures}
    raw = dumps(doc)

    report = import_document(SYSTEM, json_format.read(raw))
    assert report.procedures_created == PROCEDURES
    assert Procedure.objects.filter(current_version__isnull=False).count() == PROCEDURES
    assert Component.objects.count() == 2 * PROCEDURES
    assert ProcessStep.objects.count() == 3 * PROCEDURES
    links = ProcedureVersion.agencies.through.objects.count()
    assert links == 800 * COMMUNES + 1200

    again = import_document(SYSTEM, json_format.read(raw))
    assert again.unchanged == PROCEDURES and again.versions_created == 0
