"""``python -m scheduler``: the command line, as the ``scheduler`` script runs it."""

from scheduler.cli import main

main()
