"""`python -m tracebreak.store`: run the embedded trace store (the same as `tracebreak store`)."""

import sys

from tracebreak.cli import main

main(["store", *sys.argv[1:]])
