"""``python -m sample_music OUT --clips 300 --seed 0 [--faults] [--no-augment] [--workers W]``: see :func:`generation.main`."""
import sys

from sample_music.generation import main

if __name__ == "__main__":
    sys.exit(main())
