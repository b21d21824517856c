"""`python -m lightkeeper` runs the command line."""

from lightkeeper.cli import main

main()
