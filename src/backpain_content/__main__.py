"""`python -m backpain_content` runs the command line."""

from .cli import run

run()
