"""`python -m codeeval`: the command-line interface."""

from codeeval.cli import main

if __name__ == "__main__":
    main()
