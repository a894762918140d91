"""Where the commands print: the terminal at its own width, or, written to a file or a pipe (docs,
CI logs), lines wide enough for a trace id and its neighbours unwrapped; and a count said in words."""

from rich.console import Console

WIDTH = 160


def console() -> Console:
    terminal = Console()
    return terminal if terminal.is_terminal else Console(width=WIDTH)


def plural(count: int, noun: str) -> str:
    """The noun as `count` of it reads: `trace` for one, `traces` for any other number."""
    return noun if count == 1 else f"{noun}s"


def counted(count: int, noun: str) -> str:
    """`1 request`, `0 requests`, `56 requests`."""
    return f"{count} {plural(count, noun)}"
