"""python -m pantau.cli"""

import sys

from . import main

sys.exit(main())
