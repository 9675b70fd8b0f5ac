"""Sample music in the MagnaTagATune format: real rendered clips whose tags follow the music, plus
deliberately broken rows, all a function of a seed (for ``make run``, the tests and benchmarks).

    import sample_music
    sample_music.generate("data/sample", clips=300, seed=0, faults=True)

    python -m sample_music OUT --clips 300 --seed 0 [--faults] [--no-augment] [--workers W]

Modules: :mod:`~sample_music.generation` (clips, labels, names, faults, worker pool, CSV, CLI),
:mod:`~sample_music.styles` (the music of the 15 styles), :mod:`~sample_music.rendering`
(soundfont, scores, synthesis, mastering, MP3), :mod:`~sample_music.augmentation` (the random
room, EQ, dynamics, noise and codec chain each clip goes through before mastering).
"""
from sample_music.generation import (
    FAULT_KINDS,
    FAULTS_FILE,
    FOLDERS,
    LABEL_DROP,
    Composition,
    compose,
    draw_labels,
    folder_of,
    generate,
    main,
    style_of,
)
from sample_music.rendering import CLIP_SAMPLES, CLIP_SECONDS, SAMPLE_RATE, Score
from sample_music.styles import STYLES

__all__ = [
    "CLIP_SAMPLES", "CLIP_SECONDS", "FAULTS_FILE", "FAULT_KINDS", "FOLDERS", "LABEL_DROP", "SAMPLE_RATE",
    "STYLES", "Composition", "Score", "compose", "draw_labels", "folder_of", "generate", "main", "style_of",
]
