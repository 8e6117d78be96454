"""Workshop tooling for instructors: student copies without solutions, measured notebook timings, the instructor agenda.

``python -m helpers.workshop --help`` lists the commands (student, publish-students, timings, schedule,
sizing, sync, handout); ``cli``'s docstring shows each with its options.

One module per job: ``students`` (copies without solutions), ``agenda`` (timings and objectives),
``schedule`` (the timetable), ``sizing`` (a JupyterHub's memory and CPU), ``handout`` (the students' links)
and ``cli`` (the command line).
"""

from __future__ import annotations

from .agenda import (NotebookTiming, agenda_markdown, execute_notebook, executed_cleanly, failed_cells,
                     notebook_outline, read_agenda, time_notebooks, update_agenda)
from .cli import main
from .handout import LAUNCH_PATHS, student_handout
from .schedule import schedule_markdown, update_schedule
from .sizing import NotebookUsage, measure_notebook, sizing_markdown, update_sizing
# Reachable here as before though not in __all__: instructors edit LESSON_MINUTES, and tests patch it in place.
from .schedule import ADVANCED_HALF_DAY, FULL_DAY, HALF_DAY, LESSON_MINUTES, SESSIONS  # noqa: F401
from .sizing import BURST_SECONDS, HUB_GB, MEMORY_MARGIN, THREADS_PER_USER, USER_SERVER_GB  # noqa: F401
from .students import SOLUTION_TAG, make_student_notebook, publish_students, write_student_copies

__all__ = [
    "SOLUTION_TAG",
    "NotebookTiming",
    "make_student_notebook",
    "write_student_copies",
    "notebook_outline",
    "execute_notebook",
    "executed_cleanly",
    "failed_cells",
    "time_notebooks",
    "agenda_markdown",
    "update_agenda",
    "read_agenda",
    "schedule_markdown",
    "update_schedule",
    "publish_students",
    "NotebookUsage",
    "measure_notebook",
    "sizing_markdown",
    "update_sizing",
    "LAUNCH_PATHS",
    "student_handout",
    "main",
]
