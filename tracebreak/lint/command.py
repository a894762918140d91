"""`tracebreak lint PATH...`: the Context Law checked on code, without running it.

Exit status: 0 nothing found, 1 findings, 2 a usage error (a path that does not exist) or, when
nothing was found, a file that could not be read or parsed (it is named on stderr; the others are
still checked).
"""

import argparse
import sys
from pathlib import Path

from rich.console import Console

from tracebreak.lint import report
from tracebreak.lint.engine import LintResult, check

FORMATS = ("table", "json", "sarif")


def write(result: LintResult, form: str, output: Path | None) -> None:
    if form == "table":
        target = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            report.table(result, Console(file=target, width=160 if output else None))
        finally:
            if output:
                target.close()
        return
    text = report.as_json(result) if form == "json" else report.as_sarif(result)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True)
    try:
        result = check(args.paths)
    except FileNotFoundError as error:
        err.print(f"[red]error:[/] {error}", highlight=False)
        return 2
    for problem in result.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        err.print(f"[red]not checked:[/] {where}: {problem.message}", highlight=False)
    write(result, args.format, args.output)
    if result.findings:
        return 1
    return 2 if result.problems else 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    lint = commands.add_parser(
        "lint", help="check code against the Context Law (Extract, Process, Inject), without running it"
    )
    lint.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="Python files, Envoy/Compose/Kubernetes YAML, .env files, Dockerfiles, Procfiles, directories",
    )
    lint.add_argument("--format", choices=FORMATS, default="table", help="table (default), json or sarif")
    lint.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    lint.set_defaults(run=run)
