"""A PDF's text as one line, for tests that look for a sentence wherever the page breaks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import backpain_content as bc


def flat_pdf_text(data: bytes, tmp_path: Path, name: str = "out.pdf") -> str:
    """The PDF's text in reading order, words joined across line ends, without what every
    page repeats (the clinic's name, the page number, the general-information note), so
    that an item split across two pages reads as one."""
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.replace("-\n", "").split())
    for repeated in (
        r"Page \d+ (of|de) \d+",
        "Avenue Physio in Calgary Downtown",
        re.escape("Avenue Physio (Calgary Downtown)"),
        *(re.escape(bc.labels_for(language).disclaimer) for language in ("en", "fr")),
    ):
        flat = re.sub(repeated, " ", flat)
    return " ".join(flat.split())
