"""``python -m cli`` runs the ``taskmapper`` command."""

import sys

from cli.main import main

sys.exit(main())
