"""`python -m stackline …` runs the command line."""

from stackline.cli import main

main()
