"""`python -m tracebreak.cli`: the same as the `tracebreak` console script."""

from tracebreak.cli.main import main

main()
