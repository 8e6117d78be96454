"""Entry point of ``python -m helpers.bench``, the sweep of notebook 05 outside Jupyter (see ``helpers.bench.cli``)."""

from .cli import main

raise SystemExit(main())
