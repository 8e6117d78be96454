"""The instructor guide's timetable: a full and a half day with clock times, from the agenda's measured run times."""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Sequence

from .agenda import NotebookTiming, _fill_between

__all__ = ["LESSON_MINUTES", "FULL_DAY", "HALF_DAY", "ADVANCED_HALF_DAY", "SESSIONS", "schedule_markdown",
           "update_schedule"]

_SCHEDULE = ("<!-- schedule:start -->", "<!-- schedule:end -->")

# Minutes of teaching (live-coding and explaining) and of exercises per notebook. A notebook's slot adds
# its measured run time (students wait for their cells) and is rounded up to 5 minutes.
LESSON_MINUTES = {"01": (15, 15), "02": (25, 15), "03": (15, 15), "04": (25, 15), "05": (25, 15),
                  "06": (30, 15), "07": (25, 15), "08": (25, 20), "09": (25, 15), "10": (20, 20),
                  "11": (25, 20)}
FULL_DAY = ("setup", "01", "02", "break", "03", "04", "lunch", "05", "06", "break", "07", "08", "wrap-up")
HALF_DAY = ("setup", "01", "02", "break", "03", "04", "demo 05", "wrap-up")
ADVANCED_HALF_DAY = ("recap", "09", "break", "10", "11", "wrap-up")  # after the full day, or for a class that knows 01-08
SESSIONS = {  # the parts of a day that are not notebooks: minutes and what happens
    "setup": (30, "Setup: everyone runs `python -m helpers.doctor` (or opens the hub link) and then notebook 01"),
    "break": (15, "Break"),
    "lunch": (60, "Lunch"),
    "demo 05": (15, "Notebook 05 as a demo: the instructor runs the timing loop and the sweep; no exercises"),
    "recap": (15, "Recap: questions from the first day; everyone runs `python -m helpers.doctor` again"),
    "wrap-up": (15, "Wrap-up: questions, the summaries, what to read next"),
}


def _notebook_slot(timing: NotebookTiming) -> tuple[int, str]:
    """Minutes and description of one notebook's slot in a timetable."""
    number = timing.name[:2]
    if number not in LESSON_MINUTES:
        raise ValueError(f"No teaching and exercise minutes for notebook {number}: add them to LESSON_MINUTES "
                         "in helpers/workshop/schedule.py.")
    teach, exercises = LESSON_MINUTES[number]
    run = math.ceil(timing.seconds / 60)
    minutes = 5 * math.ceil((teach + run + exercises) / 5)
    return minutes, (f"{number} · [{timing.title}](notebooks/{timing.name}): teach {teach} min, "
                     f"run {run} min, exercises {exercises} min")


def _timetable(plan: Sequence[str], timings: Sequence[NotebookTiming], start: str) -> list[str]:
    by_number = {t.name[:2]: t for t in timings}
    missing = [item for item in plan if item not in SESSIONS and item not in by_number]
    if missing:
        raise ValueError(f"The agenda has no timing for notebook(s) {missing}: run python -m helpers.workshop timings.")
    clock = _dt.datetime.strptime(start, "%H:%M")
    rows = ["| Time | Session | Minutes |", "|---|---|---:|"]
    for item in plan:
        minutes, text = SESSIONS[item] if item in SESSIONS else _notebook_slot(by_number[item])
        end = clock + _dt.timedelta(minutes=minutes)
        if item not in SESSIONS and by_number[item].seconds > 3 * 3600:  # pass 12: blamed the start time
            raise ValueError(f"Notebook {item}'s run time in the agenda is {by_number[item].seconds:,.0f} s, more than "
                             "3 hours: fix that row of the agenda, or measure again with python -m helpers.workshop "
                             "timings.")
        if end.day != clock.day:  # 23:30 typed for 13:30, say
            raise ValueError(f"Starting at {start}, this timetable runs past midnight: choose an earlier start on a "
                             "24-hour clock, such as '09:00'.")
        rows.append(f"| {clock:%H:%M}–{end:%H:%M} | {text} | {minutes} |")
        clock = end
    return rows


def schedule_markdown(timings: Sequence[NotebookTiming], start: str = "09:00") -> str:
    """A full-day and a half-day timetable with clock times, from measured run times and ``LESSON_MINUTES``."""
    try:
        first = _dt.datetime.strptime(start, "%H:%M") if isinstance(start, str) else None
    except ValueError:
        first = None
    if first is None:
        raise ValueError(f"start is a time of day as HH:MM on a 24-hour clock, such as '09:00' or '13:30'; got "
                         f"{start!r}.")
    lines = [
        "Written by `python -m helpers.workshop schedule` from the run times in the agenda above and the",
        "teaching and exercise minutes in `helpers/workshop/schedule.py` (`LESSON_MINUTES`). A notebook's slot is",
        "teaching + run time (rounded up to a minute) + exercises, rounded up to 5 minutes.",
        "", "**Full day** (notebooks 01–08: the blog post's promises, then real networks, control flow and custom "
        "operators)", "",
    ]
    lines += _timetable(FULL_DAY, timings, start)
    lines += ["", "**Half day** (the blog post's promises: define, export, inspect, reload; 05 as a demo)", ""]
    lines += _timetable(HALF_DAY, timings, start)
    lines += ["", "**Advanced half day** (a second morning: 09 troubleshooting, 10 a language model, 11 a web page "
              "and a server; each needs nothing from 05–08's files, so it also suits a class that knows 01–08's content)", ""]
    lines += _timetable(ADVANCED_HALF_DAY, timings, start)
    return "\n".join(lines) + "\n"


def update_schedule(document: Path, schedule: str) -> None:
    """Replace the text between the schedule markers in ``document`` with ``schedule``."""
    _fill_between(document, *_SCHEDULE, schedule)
