"""Dates in news text resolved against the article's publication date, with precision.

Explicit dates ("6 February 2020", "September 17, 2018", "May 4-5, 2017" -> the first
day) are read by regular expressions, which are exact and fast; relative ones ("on
Thursday", "yesterday", "two days ago", "over the past 24 hours", "over the weekend",
"last week" and "earlier this week" with week precision, "last month" with month's) are
resolved against the publication date; dateparser reads what is left of a spaCy DATE entity.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .numbers import parse_number

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_RANGE = r"(?:\s*(?:-|–|to|and)\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    ("day", re.compile(rf"\b{_DAY}{_RANGE}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?\b", re.I)),
    ("day", re.compile(rf"\b{_MON}\s+{_DAY}{_RANGE}(?:,?\s+{_YEAR})?\b", re.I)),
    ("day", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("month", re.compile(rf"\b(?:in|since|during|by|of|until|end|early|late|mid|through|"
                         rf"throughout|from|after|before)[\s-]+{_MON}(?:\s+{_YEAR})?\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|during|of|until)\s+(?P<year>(?:19|20)\d\d)\b", re.I)),
]
_WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+)?(?P<wd>monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday)\b", re.I)
def _last_weekend(published: dt.date) -> dt.date:
    """The Saturday of the weekend before ``published`` (a Saturday or Sunday's own weekend
    is "this weekend")."""
    back = (published.weekday() - 5) % 7
    return published - dt.timedelta(days=back + 7 if back < 2 else back)


def _recent_weekend(published: dt.date) -> dt.date:
    """The Saturday of the latest weekend up to ``published`` ("over the weekend")."""
    return published - dt.timedelta(days=(published.weekday() - 5) % 7)


def _this_week(published: dt.date) -> dt.date:
    """The middle of the week's days up to ``published`` ("earlier this week")."""
    return published - dt.timedelta(days=published.weekday() - published.weekday() // 2)


def _last_month(published: dt.date) -> dt.date:
    return (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _days_ago(match: re.Match, published: dt.date) -> dt.date:
    return published - dt.timedelta(days=parse_number(match["n"]))


# Relative expressions: (pattern, the day they stand for, precision). A week is dated by
# its middle day: "last week" (the calendar week before) by its Thursday, "the past week"
# (the seven days before) by the fourth.
_RELATIVE = [
    (re.compile(r"\b(?:past|last)\s+(?:24|twenty[- ]four)\s+hours\b", re.I),
     lambda p: p - dt.timedelta(days=1), "day"),
    (re.compile(r"\byesterday\b", re.I), lambda p: p - dt.timedelta(days=1), "day"),
    (re.compile(r"\b(?:today|this morning|this evening|tonight|earlier today)\b", re.I),
     lambda p: p, "day"),
    (re.compile(r"\b(?:last|past)\s+(?:night|evening)\b", re.I),
     lambda p: p - dt.timedelta(days=1), "day"),
    (re.compile(r"\b(?:the\s+)?day before yesterday\b", re.I),
     lambda p: p - dt.timedelta(days=2), "day"),
    (re.compile(r"\blast\s+weekend\b", re.I), _last_weekend, "day"),
    (re.compile(r"\blast\s+week\b", re.I),
     lambda p: p - dt.timedelta(days=p.weekday() + 4), "week"),
    (re.compile(r"\b(?:the\s+)?(?:past|last)\s+(?:week|seven\s+days|7\s+days)\b", re.I),
     lambda p: p - dt.timedelta(days=4), "week"),
    (re.compile(r"\b(?:over|during|at|on)\s+the\s+weekend\b|\bthis\s+weekend\b", re.I),
     _recent_weekend, "day"),
    (re.compile(r"\b(?:earlier\s+)?this\s+week\b", re.I), _this_week, "week"),
    (re.compile(r"\blast\s+month\b", re.I), _last_month, "month"),
    (re.compile(r"\b(?:earlier\s+)?this\s+month\b", re.I), lambda p: p.replace(day=1),
     "month"),
]
# "two days ago", "3 days ago".
_DAYS_AGO = re.compile(r"\b(?P<n>\d{1,2}|one|a|two|three|four|five|six|seven|eight|nine|ten)"
                       r"\s+days?\s+ago\b", re.I)
_FOLLOWING = re.compile(r"\b(?:the\s+)?(?:following|next)\s+day\b", re.I)
_PAST_DAY = re.compile(r"\b(?:past|last)\s+(?:24|twenty[- ]four)\s+hours\b|\byesterday\b", re.I)
_REPORTED = re.compile(r"\breported\s+(?:on\s+)?$", re.I)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text: offsets relative to the text searched, ISO value, precision."""

    start: int
    end: int
    date: dt.date
    precision: str  # day, week, month, year
    relative: bool = False


def _year_for(month: int, day: int, published: dt.date | None) -> int:
    """The year of a date written without one: the latest not after the publication."""
    if published is None:
        return dt.date.today().year
    year = published.year
    try:
        if dt.date(year, month, day) > published + dt.timedelta(days=2):
            year -= 1
    except ValueError:
        pass
    return year


def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """Every date expression of ``text`` in order of appearance, overlapping ones dropped."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for precision, rx in _PATTERNS:
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            gd = m.groupdict()
            try:
                if precision == "year":
                    month, day = 1, 1
                elif gd.get("mnum"):
                    month, day = int(gd["mnum"]), int(gd["day"])
                else:
                    month = MONTHS[gd["mon"].lower().rstrip(".")]
                    day = int(gd["day"]) if gd.get("day") else 1
                year = int(gd["year"]) if gd.get("year") else _year_for(month, day, published)
                value = dt.date(year, month, day)
            except (KeyError, ValueError, TypeError):
                continue
            if precision == "month" and not gd.get("year") and published is not None:
                if value > published:
                    value = value.replace(year=value.year - 1)
            found.append(DateMention(m.start(), m.end(), value, precision))
            taken.append((m.start(), m.end()))
    if published is not None:
        for m in _WEEKDAY.finditer(text):
            if free(m.start(), m.end()):
                back = (published.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
                found.append(DateMention(m.start(), m.end(),
                                         published - dt.timedelta(days=back), "day", True))
                taken.append((m.start(), m.end()))
        for rx, when, precision in _RELATIVE:
            for m in rx.finditer(text):
                if free(m.start(), m.end()):
                    found.append(DateMention(m.start(), m.end(), when(published), precision,
                                             True))
                    taken.append((m.start(), m.end()))
        for m in _DAYS_AGO.finditer(text):
            if free(m.start(), m.end()):
                found.append(DateMention(m.start(), m.end(), _days_ago(m, published), "day",
                                         True))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


def sentence_date(text: str, published: dt.date | None,
                  previous: DateMention | None = None) -> DateMention | None:
    """The date an event sentence reports.

    The first explicit date wins; "reported on D ... over the past 24 hours" means the day
    before D; "the following day" is the day after the date of the previous sentence.
    """
    dates = find_dates(text, published)
    absolute = [d for d in dates if not d.relative]
    relative = [d for d in dates if d.relative]
    if absolute:
        first = absolute[0]
        if _REPORTED.search(text[:first.start]) and _PAST_DAY.search(text):
            return DateMention(first.start, first.end, first.date - dt.timedelta(days=1), "day")
        return first
    if previous is not None and _FOLLOWING.search(text):
        return DateMention(0, 0, previous.date + dt.timedelta(days=1), previous.precision, True)
    if relative:
        return relative[0]
    return None


def parse_date_text(text: str, published: dt.date | None = None) -> dt.date | None:
    """A date expression dateparser understands ("two days ago"), relative to ``published``."""
    import dateparser

    base = dt.datetime.combine(published, dt.time(12)) if published else None
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    value = dateparser.parse(text, languages=["en"], settings=settings)
    return value.date() if value else None


def iso_date(value: str | None) -> dt.date | None:
    """The date at the start of an ISO string ("2020-02-06", "2020-02-06T10:00"), or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
