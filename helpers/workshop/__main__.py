"""Entry point of ``python -m helpers.workshop``, the instructor's command line (see ``helpers.workshop.cli``)."""

from __future__ import annotations

from .cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
