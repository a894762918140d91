"""The docker compose file, read once: the unit tests check it against what it wires up, the e2e tests
run its healthchecks against the local stack's parts."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
