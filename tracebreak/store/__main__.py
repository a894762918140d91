"""`python -m tracebreak.store`: run the embedded trace store (also `tracebreak store`)."""

from tracebreak.store.server import main

main()
