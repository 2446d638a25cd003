"""Personal id numbers and tax codes (core.identifiers), and the lookup's second fact."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.errors import ValidationFailed
from tinhso.core.identifiers import (
    PROVINCE_CODES,
    decode_personal_id,
    tax_check_digit,
    validate_personal_id,
    validate_tax_code,
)
from tinhso.dossiers.identifiers import matches_fact

# Published tax codes of well-known companies (10th digit = check digit).
REAL_TAX_CODES = ["0100109106", "0300588569", "0101248141"]  # Viettel, Vinamilk, FPT


def test_province_codes_are_the_63_pre_merger_provinces_and_cover_the_34_current():
    from vietnam_provinces.codes import ProvinceCode

    assert len(PROVINCE_CODES) == 63
    assert {int(c) for c in ProvinceCode} <= PROVINCE_CODES


@pytest.mark.parametrize("value", ["001095001234", "025300012345", "096912345678",
                                   " 079203000001 "])
def test_valid_personal_ids(value):
    assert validate_personal_id(value) == value.strip()


@pytest.mark.parametrize("value", ["", "02509500123", "0250950012345", "02509500123a",
                                   "000095001234", "003095001234", "097095001234",
                                   "099095001234", "025-95001234"])
def test_invalid_personal_ids(value):
    with pytest.raises(ValidationFailed) as err:
        validate_personal_id(value)
    assert err.value.code == "invalid_personal_id" and err.value.status == 400


@pytest.mark.parametrize(("digit", "female", "year"), [
    (0, False, 1995), (1, True, 1995), (2, False, 2095), (3, True, 2095), (4, False, 2195),
    (5, True, 2195), (9, True, 2395)])
def test_fourth_digit_is_sex_and_century(digit, female, year):
    person = decode_personal_id(f"025{digit}95001234")
    assert (person.province_code, person.is_female, person.birth_year) == (25, female, year)


@pytest.mark.parametrize("value", REAL_TAX_CODES)
def test_real_tax_codes_pass_the_check_digit(value):
    assert validate_tax_code(value) == value
    assert tax_check_digit(value[:9]) == int(value[9])


@pytest.mark.parametrize("value", ["0100109106-001", "0300588569-012"])
def test_branch_tax_codes(value):
    assert validate_tax_code(value) == value


@pytest.mark.parametrize("value", ["0100109107", "0300588560", "010010910", "01001091066",
                                   "0100109106-01", "0100109106-000", "0100109106001",
                                   "01001O9106", "0100109107-001", ""])
def test_invalid_tax_codes(value):
    with pytest.raises(ValidationFailed) as err:
        validate_tax_code(value)
    assert err.value.code == "invalid_tax_code"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_or_none_fits_nine_digits(prefix):
    fits = [d for d in range(10) if _valid(prefix + str(d))]
    check = tax_check_digit(prefix)
    assert fits == ([] if check is None else [check])


def _valid(code):
    try:
        validate_tax_code(code)
    except ValidationFailed:
        return False
    return True


@pytest.mark.parametrize("fact, ok", [
    ("025095001234", True), (" 025095001234 ", True), ("+84 912 345 678", True),
    ("0912.345.678", True), ("84912345678", True), ("025095001235", False),
    ("0912345679", False), ("", False), ("   ", False),
])
def test_a_lookup_fact_is_the_id_number_or_the_phone_as_people_write_it(fact, ok):
    assert matches_fact("025095001234", "0912345678", fact) is ok


def test_an_applicant_without_a_phone_is_found_by_id_only():
    assert matches_fact("025095001234", "", "") is False
    assert matches_fact("025095001234", "", "0") is False
