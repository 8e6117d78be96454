"""The language of the course's student-facing messages: English by default, Korean with ``set_language("ko")``.

Every message is written once, in English, as a ``str.format`` template with named placeholders, and shown
through ``tr(template, **values)``. A catalog maps each English template to its translation; a template with no
entry in the current language's catalog is shown in English, so a missing translation never breaks a check.
"""

from __future__ import annotations

import os
from typing import Any

from .i18n_ko import KOREAN as _KOREAN_01_09  # English template -> Korean template, placeholders identical
from .i18n_ko_10 import KOREAN_10
from .i18n_ko_16 import KOREAN_16
from .i18n_ko_21 import KOREAN_21

KOREAN: dict[str, str] = {**_KOREAN_01_09, **KOREAN_10, **KOREAN_16, **KOREAN_21}

__all__ = ["LANGUAGES", "set_language", "get_language", "tr"]

_language = "en"  # set from COURSE_LANGUAGE below, once the catalogs exist

LANGUAGES: dict[str, dict[str, str]] = {"en": {}, "ko": KOREAN}
# COURSE_LANGUAGE=ko python -m helpers.doctor: the language outside a notebook (unknown codes mean English).
_language = os.environ.get("COURSE_LANGUAGE", "en") if os.environ.get("COURSE_LANGUAGE") in LANGUAGES else "en"
if os.environ.get("COURSE_LANGUAGE") not in (None, "", *LANGUAGES):
    import warnings

    warnings.warn(f"COURSE_LANGUAGE={os.environ['COURSE_LANGUAGE']!r} is not a course language (choose one of "
                  f"{sorted(LANGUAGES)}): messages stay in English.", stacklevel=2)


def set_language(code: str) -> None:
    """Show the course's messages in ``code`` ("en" or "ko") from now on."""
    global _language
    if not isinstance(code, str):
        raise TypeError(f"set_language takes one language code as text, such as set_language(\"ko\"); got {code!r}.")
    if code not in LANGUAGES:
        raise ValueError(f"Unknown language {code!r}; choose one of {sorted(LANGUAGES)}.")
    _language = code


def get_language() -> str:
    """The language code the messages are shown in now ("en" unless ``set_language`` changed it)."""
    return _language


def tr(template: str, **values: Any) -> str:
    """``template`` in the current language, filled with ``values``; English when it has no translation."""
    return LANGUAGES[_language].get(template, template).format(**values)
