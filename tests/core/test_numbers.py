"""Numbers as Vietnamese people write them: a dot between thousands, a comma before the
decimals. What is shown can be typed back; what could be read two ways is refused with the
spelling to use."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from registry.core.forms import VietnameseDecimalField
from registry.core.numbers import format_number, parse_number


def refusal(text, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, **kwargs)
    return caught.value


def message(error: ValidationError) -> str:
    with translation.override("vi"):
        return " ".join(error.messages)


class TestReading:
    @pytest.mark.parametrize(
        ("typed", "number"),
        [
            ("98,5", Decimal("98.5")),  # the decimal comma
            ("0,5", Decimal("0.5")),
            ("1234", Decimal("1234")),
            ("1234,5", Decimal("1234.5")),
            ("1.234", Decimal("1234")),  # a dot separates thousands
            ("1.234,5", Decimal("1234.5")),
            ("12.345.678,25", Decimal("12345678.25")),
            ("1 234", Decimal("1234")),  # so does a space
            ("1\u00a0234,5", Decimal("1234.5")),  # a non-breaking one, pasted from a document
            ("  12 ", Decimal("12")),  # spaces around do not matter
            ("０,５", Decimal("0.5")),  # full-width digits from some keyboards
            ("0", Decimal("0")),
        ],
    )
    def test_what_people_type_is_read_as_they_mean_it(self, typed, number):
        assert parse_number(typed) == number

    @pytest.mark.parametrize("typed", ["98.5", "1.23", "0.5", "1.2345"])
    def test_a_dot_that_is_not_a_thousands_separator_is_refused_with_the_comma_spelling(
        self, typed
    ):
        error = refusal(typed)
        assert error.code == "decimal_dot"
        assert typed.replace(".", ",") in message(error)

    def test_the_english_spelling_is_refused_with_the_vietnamese_one(self):
        error = refusal("1,234.5")
        assert error.code == "mixed_marks"
        assert "1.234,5" in message(error)

    @pytest.mark.parametrize(
        "typed", ["1.23.4", "1,2,3", "12abc", "abc", "98,5%", ",5", "5,", "12 34", "1.2,3.4", "+5"]
    )
    def test_malformed_input_is_refused_with_an_example(self, typed):
        error = refusal(typed)
        assert error.code == "invalid"
        assert "98,5" in message(error)

    def test_negative_numbers_only_where_allowed(self):
        assert refusal("-5").code == "negative"
        assert refusal("−5").code == "negative"  # the typographic minus too
        assert parse_number("-5", allow_negative=True) == Decimal("-5")
        assert parse_number("-1.234,5", allow_negative=True) == Decimal("-1234.5")

    def test_nothing_is_not_a_number(self):
        assert refusal("  ").code == "required"

    def test_the_messages_are_in_vietnamese(self):
        assert message(refusal("98.5")) == (
            "“98.5” chưa rõ ràng: trong tiếng Việt, phần thập phân đứng sau dấu phẩy. "
            "Đồng chí hãy ghi 98,5."
        )


class TestWriting:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (Decimal("4.00"), "4"),  # never "4.00"
            (Decimal("1234.50"), "1.234,5"),
            (Decimal("98.5"), "98,5"),
            (Decimal("0.00"), "0"),
            (Decimal("100"), "100"),
            (Decimal("1E+3"), "1.000"),
            (Decimal("9999999999.99"), "9.999.999.999,99"),
            (Decimal("-1234.5"), "-1.234,5"),
            (1234567, "1.234.567"),
            ("4.00", "4"),  # as kept in approved versions
            (None, ""),
        ],
    )
    def test_vietnamese_style_without_trailing_zeros(self, value, shown):
        assert format_number(value) == shown

    @pytest.mark.parametrize("value", ["98,5", "1.234,5", "4", "0,25", "12.345.678,9"])
    def test_what_is_shown_reads_back_unchanged(self, value):
        assert format_number(parse_number(value)) == value

    def test_the_template_filter_writes_the_same_way(self):
        template = Template("{% load numbers %}{{ a|vn_number }} | {{ b|vn_number }}")
        assert template.render(Context({"a": Decimal("1234.50"), "b": "12.00"})) == "1.234,5 | 12"


class TestFormField:
    def field(self, **kwargs):
        return VietnameseDecimalField(
            required=False, max_digits=12, decimal_places=2, min_value=0, **kwargs
        )

    def test_a_text_box_with_the_number_keyboard(self):
        html = self.field().widget.render("v", None)
        assert 'type="text"' in html and 'inputmode="decimal"' in html

    def test_stored_values_are_shown_the_vietnamese_way(self):
        assert 'value="98,5"' in self.field().widget.render(
            "v", self.field().prepare_value(Decimal("98.50"))
        )

    def test_reads_vietnamese_and_empty(self):
        assert self.field().clean("1.234,5") == Decimal("1234.5")
        assert self.field().clean("") is None

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("1,234", "Chỉ ghi tối đa 2 chữ số sau dấu phẩy."),
            ("12345678901", "Số quá lớn: tối đa 9.999.999.999."),
            ("-1", "Số không được âm."),
        ],
    )
    def test_limits_are_explained_in_vietnamese(self, typed, expected):
        with translation.override("vi"), pytest.raises(ValidationError) as caught:
            self.field().clean(typed)
        assert caught.value.messages == [expected]

    def test_a_maximum_is_written_the_vietnamese_way(self):
        field = VietnameseDecimalField(max_value=Decimal("1500.5"))
        with translation.override("vi"), pytest.raises(ValidationError) as caught:
            field.clean("2.000")
        assert caught.value.messages == ["Hãy nhập số không lớn hơn 1.500,5."]

    def test_an_unchanged_value_is_not_a_change(self):
        assert not self.field().has_changed(Decimal("12.00"), "12")
        assert self.field().has_changed(Decimal("12.00"), "12,5")
        assert self.field().has_changed(Decimal("12.00"), "12.5")  # refused: a change
