import sys

if sys.argv[1:] == ["--version"]:  # the version alone needs none of the command line's modules
    from sweeplint import __version__

    sys.stdout.write(f"sweeplint {__version__}\n")
    sys.exit(0)

from sweeplint.cli import main

sys.exit(main())
