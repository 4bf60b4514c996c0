"""Form fields the console shares: a date (and optionally time) typed the way Thai people write it, read by
the one Thai date parser the chat and the CLI use (bot/services/thai_dates.py), shown back in พ.ศ."""
from __future__ import annotations

from datetime import date, datetime

from wtforms import StringField, ValidationError

from bot.services import thai_dates
from messages_th.dates import BKK, DATE_INPUT_REASONS, be_year


class ThaiDateField(StringField):
    """`data` is a `date` (with_time="never") or an aware Bangkok `datetime` (with_time="required"/"optional"
    with a time typed). Refusals are Thai, next to the field."""

    def __init__(self, label=None, validators=None, with_time: str = "never", **kw):
        kw.setdefault("render_kw", {}).setdefault("placeholder", "เช่น 20 มี.ค. 2570" + (" 09:00" if with_time != "never" else ""))
        super().__init__(label, validators, **kw)
        self.with_time = with_time
        self.was_ce = False

    def _value(self):
        if isinstance(self.data, datetime):
            local = self.data.astimezone(BKK)
            return f"{local.day}/{local.month}/{be_year(local.date())} {local:%H:%M}"
        if isinstance(self.data, date):
            return f"{self.data.day}/{self.data.month}/{be_year(self.data)}"
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            parsed = thai_dates.parse(valuelist[0], with_time=self.with_time)
        except thai_dates.DateInputError as exc:
            self.data = None
            raise ValueError(DATE_INPUT_REASONS.get(exc.code, DATE_INPUT_REASONS["format"])) from None
        self.was_ce = parsed.was_ce
        self.data = datetime.combine(parsed.day, parsed.time, BKK) if parsed.time else parsed.day


def between(earliest: date | None = None, latest: date | None = None):
    """A validator: the day within [earliest, latest], with the limit named in Thai."""
    from messages_th.dates import thai_date

    def check(_form, field):
        if field.data is None:
            return
        day = field.data.date() if isinstance(field.data, datetime) else field.data
        if earliest and day < earliest:
            raise ValidationError(f"ต้องไม่ก่อน {thai_date(earliest)}")
        if latest and day > latest:
            raise ValidationError(f"ต้องไม่เกิน {thai_date(latest)}")
    return check
