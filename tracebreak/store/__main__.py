"""`python -m tracebreak.store`: run the embedded trace store (the same as `tracebreak store`)."""

from tracebreak.store.server import main

main()
