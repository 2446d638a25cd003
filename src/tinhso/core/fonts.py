"""Noto Sans for PDFs, from the PyPI package fontpkg-noto-sans (receipts, signature
appearances).

The package ships only the variable font. fpdf2 can embed it, but instancing a weight from
the full font takes ~10 s per document; so the regular and bold instances are built once,
from the font cut down to the Latin and Vietnamese ranges (~4 s), and kept on disk.
"""

import os
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from django.conf import settings

WEIGHTS = {"": 400, "B": 700}
# Latin, Latin-1, Latin Extended A/B, combining marks, Vietnamese (Latin Extended Additional),
# general punctuation, the đồng sign.
UNICODES = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00),
            *range(0x2000, 0x2070), 0x20AB, 0x20AC, 0x2116, 0x2122]
_lock = threading.Lock()


def _source() -> Path:
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"


def cache_dir() -> Path:
    version = metadata.version("fontpkg-noto-sans")
    return Path(settings.VAR_DIR) / "fonts" / f"noto-sans-{version}"


def noto_sans() -> dict[str, Path]:
    """Style ("" or "B") -> path of a static Noto Sans instance, built on first use."""
    folder = cache_dir()
    paths = {style: folder / f"NotoSans-{weight}.ttf" for style, weight in WEIGHTS.items()}
    if all(p.exists() for p in paths.values()):
        return paths
    with _lock:
        folder.mkdir(parents=True, exist_ok=True)
        for style, path in paths.items():
            if not path.exists():
                _build(WEIGHTS[style], path)
    return paths


def _build(weight: int, path: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(_source()))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    static = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100})
    # Written beside the target and renamed: a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ttf")
    os.close(fd)
    try:
        static.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
