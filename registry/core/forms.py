from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .numbers import format_number, parse_number

# How much a person may type: a line (a name, a note, a subject) or a text (a plan's
# paragraph, a report, a comment, a review's section). Model fields with their own
# max_length keep it.
LINE_MAX = 300
TEXT_MAX = 4000


class BoundedTextMixin:
    """Every form of the site inherits this: each text field gets a length limit (`LINE_MAX`
    for a text box, `TEXT_MAX` for a text area, unless it has its own; Django's message, worded
    by our catalogue) and the browser's `maxlength` to match. Control characters never reach
    a form: `core.middleware.InputGuardMiddleware` refuses them first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                bound_text_field(field)


def bound_text_field(field: forms.CharField) -> None:
    if field.max_length is None:
        field.max_length = TEXT_MAX if isinstance(field.widget, forms.Textarea) else LINE_MAX
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs.update(field.widget_attrs(field.widget))


def typed_text(data, name: str, *, limit: int = TEXT_MAX) -> str:
    """A text posted without a form (a comment from a button on the page), held to the same
    limit and message as a form's text area."""
    value = data.get(name, "")
    MaxLengthValidator(limit)(value)
    return value


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names, else at the top.
    The errors keep their codes, so a page can tell a refusal it may offer to confirm."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


def confirm_field(label, help_text="") -> forms.BooleanField:
    """The box an irreversible or numbered action asks to tick. Required: a form that has it
    refuses a post without it, whatever the page's script did (issue 14, point 5)."""
    return forms.BooleanField(
        label=label,
        help_text=help_text,
        error_messages={"required": _("Tick the box to confirm before going on.")},
    )


class ConfirmForm(BoundedTextMixin, forms.Form):
    """The confirmation alone, for an action posted without a form of its own (bulk approval,
    removing a file, withdrawing a transfer)."""

    confirm = confirm_field(_("I confirm."))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


def confirmed(data) -> bool:
    """Whether a post carries the ticked confirmation box."""
    return ConfirmForm(data).is_valid()


class VietnameseNumberInput(forms.TextInput):
    """A text box with the phone's number keyboard: number inputs refuse the decimal comma
    in some browsers and turn "98,5" into 985 in others."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class VietnameseDecimalField(forms.Field):
    """A decimal number typed and shown the Vietnamese way ("1.234,5"), see `core.numbers`.
    Limits are checked with messages that write the numbers the same way."""

    widget = VietnameseNumberInput
    default_error_messages = {
        "max_decimal_places": _("Write at most %(places)s digits after the comma."),
        "no_decimals": _("Write a whole number, without a comma."),
        "max_digits": _("The number is too large: at most %(max)s."),
        "min_value": _("Give a number of at least %(min)s."),
        "max_value": _("Give a number of at most %(max)s."),
    }

    def __init__(
        self,
        *,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        **kwargs,
    ):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # Stored values (Decimal) are shown in Vietnamese; what was typed is shown as typed.
        if isinstance(value, Decimal | int | float):
            return format_number(value)
        return value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | float):
            return Decimal(str(value))
        if value in self.empty_values or not str(value).strip():
            return None
        allow_negative = self.min_value is None or self.min_value < 0
        return parse_number(value, allow_negative=allow_negative)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        exponent = value.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        if self.decimal_places is not None and places > self.decimal_places:
            if self.decimal_places == 0:
                raise ValidationError(self.error_messages["no_decimals"], code="max_decimal_places")
            raise ValidationError(
                self.error_messages["max_decimal_places"],
                code="max_decimal_places",
                params={"places": self.decimal_places},
            )
        if self.max_digits is not None:
            whole = self.max_digits - (self.decimal_places or 0)
            if abs(value) >= Decimal(10) ** whole:
                raise ValidationError(
                    self.error_messages["max_digits"],
                    code="max_digits",
                    params={"max": format_number(Decimal(10) ** whole - 1)},
                )
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"min": format_number(self.min_value)},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"max": format_number(self.max_value)},
            )

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def searchable_select(field: forms.ChoiceField) -> None:
    """A long select of people gets a box above it that narrows its choices as a name is
    typed without accents (`static/js/pick_filter.js`; the page loads the script). Without
    JavaScript it stays the plain select."""
    field.widget.attrs.update(
        {
            "data-pick-select": "",
            "data-pick-label": _("Find by name"),
            "data-pick-placeholder": _("e.g. nguyen van duc"),
        }
    )
