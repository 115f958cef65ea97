"""`python -m egiz`: the same command line as the `egiz` script."""

from egiz.cli import main

main()
