import gc
import sys

if sys.argv[1:] == ["--version"]:  # the version alone needs none of the command line's modules
    from sweeplint import __version__

    sys.stdout.write(f"sweeplint {__version__}\n")
    sys.exit(0)

# Importing the command line is start-up too (see sweeplint.cli.main): what it makes lives to the
# end, so it is frozen out of every later collection rather than scanned by them.
gc.disable()
from sweeplint.cli import run  # noqa: E402

gc.freeze()
gc.enable()
run()
