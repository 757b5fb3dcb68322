"""Date and time inputs whose value the browser's picker accepts. <input type=date> takes only
yyyy-mm-dd (type=time HH:MM): Chinese input formats put 2026/11/18 first, which the browser
drops, so an edit form showed an empty date that had to be typed again."""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format: str = ISO_DATE):
        super().__init__(attrs, format=format)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format: str = ISO_TIME):
        super().__init__(attrs, format=format)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format: str = f"{ISO_DATE}T{ISO_TIME}"):
        super().__init__(attrs, format=format)
