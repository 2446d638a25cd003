import random
from decimal import Decimal

import pytest

from tinhso.metrics.scoring import (
    Ratio,
    load_definition,
    round2,
    score,
    score_online_payment,
    score_rate,
    score_rate_full_if_none,
    score_rate_threshold,
    total,
)


def test_worked_example_phu_tho_august_2026():
    """184,513 received, 144,625 on time: 78.38% and 15.68 of 20."""
    r = Ratio(144_625, 184_513)
    assert round2(r.rate * 100) == Decimal("78.38")
    assert round2(score_rate(Decimal(20), r)) == Decimal("15.68")


def test_worked_example_one_commune():
    r = Ratio(2_348, 2_971)
    assert round2(r.rate * 100) == Decimal("79.03")
    assert round2(score_rate(Decimal(20), r)) == Decimal("15.81")


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(0, 0, "0"), (0, 10, "0"), (8, 10, "2"), (4, 10, "1"), (10, 10, "2")],
)
def test_reuse_reaches_full_marks_at_80_percent(num, den, expected):
    assert score_rate_threshold(Decimal(2), Ratio(num, den), threshold=0.8) == Decimal(expected)


def test_satisfaction_divides_by_ninety_percent_and_caps():
    assert round2(score_rate_threshold(Decimal(6), Ratio(45, 100), threshold=0.9)) == Decimal(
        "3.00"
    )
    assert score_rate_threshold(Decimal(6), Ratio(95, 100), threshold=0.9) == Decimal(6)


def test_petitions_with_none_received_score_full():
    assert score_rate_full_if_none(Decimal(6), Ratio(0, 0)) == Decimal(6)
    assert score_rate_full_if_none(Decimal(6), Ratio(1, 2)) == Decimal(3)


def test_online_payment_formula_and_cap():
    # A = 0.5, B = 0.4 (2.5·B = 1.0), C = 0.2 (0.5): 3 + 1 + 0.5 = 4.5
    assert score_online_payment(Decimal(10), Ratio(1, 2), Ratio(2, 5), Ratio(1, 5)) == Decimal(
        "4.5"
    )
    # B term is capped at 2 and the total at 10
    full = score_online_payment(Decimal(10), Ratio(1, 1), Ratio(1, 1), Ratio(1, 1))
    assert full == Decimal(10)


def test_score_names_the_definition_and_keeps_no_data_apart():
    definition = load_definition()
    result = score(definition, {"2.1": (Ratio(144_625, 184_513),)})
    assert result.definition_version == "portal-2026.1"
    assert sum(g.maximum for g in result.groups) == 100
    timeliness = next(g for g in result.groups if g.code == "2")
    assert timeliness.points == Decimal("15.68")
    no_data = [c.code for g in result.groups for c in g.components if not c.has_data]
    assert "1.1" in no_data and "5.5" in no_data and "2.1" not in no_data
    assert result.total == Decimal("15.68")
    assert result.grade_code == "weak"


def test_grades_follow_the_bands():
    definition = load_definition()
    all_full = {
        c["code"]: (Ratio(1, 1),) * (3 if c["kind"] == "online_payment" else 1)
        for g in definition["groups"] for c in g["components"]
    }
    result = score(definition, all_full)
    assert result.total == Decimal(100)
    assert result.grade_label == "Xuất sắc"


def test_a_rankings_total_is_the_scores_total_and_grade():
    """`total` (what a ranking reads of each agency) agrees with the full score on every
    band, with components missing, empty or past their caps."""
    definition = load_definition()
    rng = random.Random(766)
    codes = [(c["code"], c["kind"]) for g in definition["groups"] for c in g["components"]]
    grades = set()
    for _ in range(300):
        ratios = {}
        for code, kind in codes:
            if rng.random() < 0.2:
                continue  # no data
            den = rng.choice([0, 1, 7, 1000])
            ratios[code] = tuple(Ratio(rng.randint(0, den + 2), den)
                                 for _ in range(3 if kind == "online_payment" else 1))
        full = score(definition, ratios)
        assert total(definition, ratios) == (full.total, full.grade_code, full.grade_label)
        grades.add(full.grade_code)
    assert len(grades) >= 3  # the draws reached several bands
