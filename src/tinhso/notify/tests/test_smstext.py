"""An SMS's text: folded to GSM-7 by default, within the segments allowed, cut between words."""

from hypothesis import given
from hypothesis import strategies as st

from tinhso.notify.smstext import capacity, gsm7, segments, shape, units

RECEIVED = ("Hồ sơ H12.34-260213-0001 (Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm "
            "y tế cho trẻ em dưới 6 tuổi) đã được tiếp nhận lúc 10:00 ngày 13/02/2026. Ngày "
            "hẹn trả kết quả: 10:00 ngày 27/02/2026.")


def test_vietnamese_is_folded_to_plain_letters_and_typography_to_gsm7():
    assert gsm7("Đơn “Nguyễn Thị Bé” – đủ… ₫") == 'Don "Nguyen Thi Be" - du... ?'
    assert gsm7("ĐƯỜNG Ơ ư") == "DUONG O u"  # case kept, horned letters too


def test_a_short_text_goes_whole_in_one_segment():
    text = shape("Hồ sơ đã được tiếp nhận.")
    assert text == "Ho so da duoc tiep nhan."
    assert segments(text, unicode=False) == 1


def test_a_long_notice_fits_two_segments_without_losing_its_due_date():
    text = shape(RECEIVED, max_segments=2)
    assert text.endswith("Ngay hen tra ket qua: 10:00 ngay 27/02/2026.")
    assert segments(text, unicode=False) == 2


def test_beyond_the_limit_it_is_cut_between_words_with_an_ellipsis():
    text = shape(RECEIVED, max_segments=1)
    assert len(text) <= 160 and text.endswith("...")
    body = text.removesuffix("...")
    assert gsm7(RECEIVED).startswith(body)
    # The next character in the original is a space: no word is cut in the middle.
    assert gsm7(RECEIVED)[len(body)] == " " or gsm7(RECEIVED)[len(body)] in ".,;:"


def test_with_unicode_the_diacritics_stay_and_the_segment_is_70():
    text = shape(RECEIVED, unicode=True, max_segments=1)
    assert text.startswith("Hồ sơ H12.34") and text.endswith("…")
    assert units(text, unicode=True) <= 70
    whole = shape("Hồ sơ đã được tiếp nhận.", unicode=True)
    assert whole == "Hồ sơ đã được tiếp nhận."


def test_extension_characters_count_twice():
    assert units("a{b}", unicode=False) == 6
    assert segments("{" * 80, unicode=False) == 1 and segments("{" * 81, unicode=False) == 2


@given(st.text(min_size=0, max_size=600), st.booleans(), st.integers(1, 4))
def test_the_result_always_fits(text, unicode, max_segments):
    shaped = shape(text, unicode=unicode, max_segments=max_segments)
    assert units(shaped, unicode=unicode) <= capacity(max_segments, unicode=unicode)
    if not unicode:
        assert shaped == gsm7(shaped)
