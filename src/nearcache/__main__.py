"""``python -m nearcache``: the same as the ``nearcache`` command."""

from nearcache.cli import main

if __name__ == "__main__":
    main()
