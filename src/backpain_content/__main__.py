"""`python -m backpain_content` runs the command line."""

from .cli import main

raise SystemExit(main())
