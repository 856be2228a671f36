"""``python -m mailflow.cli``: the ``mailflow`` command, for child processes started with
the running interpreter (tests, benchmarks) where no console script is on the path."""

from mailflow.cli import main

raise SystemExit(main())
