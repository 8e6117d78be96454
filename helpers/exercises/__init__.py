"""Self-checking exercises for notebooks 01–11: each ``check_*`` inspects what a student built and says what is missing.

A check takes the artifact itself (a module, a file, a session), runs it against a reference, and returns
an ``ExerciseResult``: passed, not yet right (with a hint), or not done yet.

The notebooks call ``helpers.exercises.check_...``; the checks live in ``checks_01_04`` (03's in ``checks_03``),
``checks_05_08`` (07's in ``checks_07``, 08's in ``checks_08``), ``checks_09``, ``checks_10`` and ``checks_11``,
the verdict they return in ``verdict``, and the probes they share (load a file, run a session) in ``artifacts``.
"""

from __future__ import annotations

from . import checks_01_04, checks_03, checks_05_08, checks_07, checks_08, checks_09, checks_10, checks_11
from .checks_01_04 import *  # noqa: F403 - the checks of notebooks 01, 02 and 04, as listed in its __all__
from .checks_03 import *  # noqa: F403 - the checks of notebook 03
from .checks_05_08 import *  # noqa: F403 - the checks of notebooks 05 and 06
from .checks_07 import *  # noqa: F403 - the checks of notebook 07
from .checks_08 import *  # noqa: F403 - the checks of notebook 08
from .checks_09 import *  # noqa: F403 - the checks of notebook 09
from .checks_10 import *  # noqa: F403 - the checks of notebook 10
from .checks_11 import *  # noqa: F403 - the checks of notebook 11
from .verdict import ExerciseResult, check_answer

__all__ = ["ExerciseResult", "check_answer", *checks_01_04.__all__, *checks_03.__all__, *checks_05_08.__all__,
           *checks_07.__all__, *checks_08.__all__, *checks_09.__all__, *checks_10.__all__, *checks_11.__all__]
