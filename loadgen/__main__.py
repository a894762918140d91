"""`python -m loadgen`: the load generator on its own (the docker compose load service runs this)."""

import sys

from tracebreak.cli import main

main(["load", *sys.argv[1:]])
