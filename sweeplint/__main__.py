import sys

from sweeplint.cli import main

sys.exit(main())
