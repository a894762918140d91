"""`python -m loadgen`: the load generator on its own (the docker compose load service runs this)."""

from loadgen.cli import main

main()
