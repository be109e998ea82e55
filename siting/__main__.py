"""``python -m siting``: the command line (see :mod:`siting.cli`)."""

from .cli import main

raise SystemExit(main())
