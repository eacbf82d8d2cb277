"""``python -m ui.cli_main``: the CLI without the installed console script."""

from ui.cli import main

if __name__ == "__main__":
    main()
