"""``python -m tagger_cli`` = the ``mtat-tagger`` console script."""
import sys

from tagger_cli.main import main

sys.exit(main())
