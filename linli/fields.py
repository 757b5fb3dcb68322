"""Form fields for what people type about themselves and their family: a date of birth in a
sensible range, a Chinese mobile number (decision 0040)."""

import datetime

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.widgets import DateInput

# Nobody now living was born earlier; a date before it is a slip of the keyboard (1800 for 1980).
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class BirthDateField(forms.DateField):
    """Not in the future and not before 1 January 1900."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput(attrs={"min": EARLIEST_BIRTH.isoformat()}))
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value and not EARLIEST_BIRTH <= value <= timezone.localdate():
            raise ValidationError(
                _("Please give a date of birth between 1 January 1900 and today."),
                code="birth_date_range",
            )


class ChineseMobileField(forms.CharField):
    """A mainland China mobile number (11 digits starting with 1; +86 and spaces allowed),
    kept as its 11 digits."""

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if not value:
            return value
        try:
            number = phonenumbers.parse(value, "CN")
        except phonenumbers.NumberParseException:
            number = None
        if (
            number is None
            or number.country_code != 86
            or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
        ):
            raise ValidationError(
                _("Please give a mobile number in China: 11 digits starting with 1."),
                code="mobile",
            )
        return str(number.national_number)
