"""The command's first lines: Ctrl-C while its modules load ends it quietly.

Loading the command's modules (pydantic's models, the readers, the renderers' set-up)
takes a tenth of a second or more; a Ctrl-C then would print a Python traceback. This
module loads nothing but the standard library's `sys` and `signal`, and the package's
`__init__` loads nothing until a name is used, so from the console script's first line
an interrupt ends the command as one line and exit status 130, as it does later.
"""

from __future__ import annotations

import signal
import sys

TYPE_CHECKING = False  # not typing's: this module loads before anything else (see above)
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["run"]


def run() -> NoReturn:
    """The `backpain-content` command (`cli.run`), stopped quietly by Ctrl-C at start-up."""
    try:
        from .cli import run as command
    except KeyboardInterrupt:
        print("backpain-content: interrupted", file=sys.stderr)
        sys.exit(128 + signal.SIGINT)
    command()
