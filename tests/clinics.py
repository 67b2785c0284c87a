"""The clinic with every field, which the PDF, plan, tagging and waiting-room tests share."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

import backpain_content as bc

FULL_NAME = "Example Physiotherapy and Wellness Centre"


def full_clinic(logo: Path) -> bc.Clinic:
    """A clinic with a long name, every contact field, both links and a logo (a 300 x 100
    PNG written to `logo` when there is none yet)."""
    if not logo.exists():
        Image.new("RGB", (300, 100), (29, 92, 135)).save(logo)
    return bc.Clinic(
        name=FULL_NAME,
        location="Springfield, Westside Plaza",
        phone="+1 (555) 010-0000 ext. 12",
        email="front.desk@example-physio.org",
        website="https://www.example-physio.org/",
        booking_url="https://www.example-physio.org/book?clinic=1&lang=en",
        logo=logo,
        accent_colour="#8a1c1c",
    )
