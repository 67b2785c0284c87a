"""`python -m backpain_content` runs the command line."""

from .start import run

run()
