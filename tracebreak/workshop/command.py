"""`tracebreak workshop render`: a room's Kustomize overlays, a namespace per trainee (deploy/kubernetes)."""

import argparse
from pathlib import Path

from tracebreak import terminal
from tracebreak.workshop import render


def add_parser(commands: argparse._SubParsersAction) -> None:
    workshop = commands.add_parser("workshop", help="a workshop on Kubernetes: a namespace per trainee")
    verbs = workshop.add_subparsers(dest="verb", required=True)
    draw = verbs.add_parser("render", help="write the room's Kustomize overlays into a folder")
    draw.add_argument(
        "--trainees", type=int, required=True, help=f"how many namespaces, 1 to {render.MAX_TRAINEES}"
    )
    draw.add_argument("--out", type=Path, required=True, help="a new or empty folder (or an earlier render)")
    draw.add_argument(
        "--variant", choices=render.VARIANTS, help="a break that needs the cluster: its lab says"
    )
    draw.add_argument(
        "--image", default=render.IMAGE, help=f"the services' image, NAME:TAG (default {render.IMAGE})"
    )
    draw.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        folders = render.render(args.trainees, args.out, args.variant, args.image)
    except OSError as error:
        raise ValueError(f"{args.out}: cannot write there: {error.strerror}") from error
    out = terminal.console()
    out.print(f"{len(folders) - 1} trainee namespaces and the room under {args.out}/", soft_wrap=True)
    out.print(f"apply: kubectl apply -k {args.out}   tear down: kubectl delete -k {args.out}", soft_wrap=True)
    return 0
