"""Where the commands print: the terminal at its own width, or, written to a file or a pipe (docs,
CI logs), lines wide enough for a trace id and its neighbours unwrapped."""

from rich.console import Console

WIDTH = 160


def console() -> Console:
    terminal = Console()
    return terminal if terminal.is_terminal else Console(width=WIDTH)
