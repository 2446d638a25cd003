"""The definition is data: validated on save, replaceable without code, named in results."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tinhso.metrics import periods, selectors
from tinhso.metrics.definition_check import DefinitionError, validate
from tinhso.metrics.definitions import active_definition, install
from tinhso.metrics.models import IndexDefinition
from tinhso.metrics.scoring import load_definition


def test_the_shipped_version_is_installed_and_active(db):
    row = IndexDefinition.objects.get(is_active=True)
    assert row.version == "portal-2026.1" and row.data == load_definition()


def test_validation_lists_every_problem_in_vietnamese():
    data = copy.deepcopy(load_definition())
    data["groups"][0]["components"][0]["max"] = 7  # group 1 no longer adds up to 18
    data["groups"][1]["components"][0]["kind"] = "magic"
    del data["groups"][2]["components"][0]["threshold"]
    data["grades"][-1]["min"] = 10
    with pytest.raises(DefinitionError) as err:
        validate(data)
    text = " ".join(err.value.messages)
    for expected in ("khác điểm tối đa", "không được hỗ trợ", "threshold", "bắt đầu từ 0"):
        assert expected in text


def test_admin_save_is_validated(db):
    data = copy.deepcopy(load_definition())
    data["version"] = "hỏng"
    data["groups"] = []
    with pytest.raises(ValidationError):
        IndexDefinition(data=data).save()


def test_a_new_version_replaces_the_old_without_code(seeded):
    data = copy.deepcopy(load_definition())
    data["version"] = "portal-2027.1"
    timeliness = data["groups"][1]["components"][0]
    timeliness["kind"], timeliness["threshold"] = "rate_threshold", 0.5
    install(data)
    assert active_definition()["version"] == "portal-2027.1"
    assert IndexDefinition.objects.filter(is_active=True).count() == 1
    result = selectors.index_for(periods.parse("2026-02"))
    assert result.score.definition_version == "portal-2027.1"


def test_load_command_refuses_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "x", "grades": [], "groups": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="Thiếu"):
        call_command("load_index_definition", str(bad))
    call_command("load_index_definition")  # the shipped one, again: idempotent
    assert IndexDefinition.objects.count() == 1
