"""The one date every output is stamped with, so identical input gives identical bytes."""

from __future__ import annotations

import datetime
import os

from ..model import Article

__all__ = ["source_date"]


def source_date(article: Article) -> datetime.datetime:
    """`SOURCE_DATE_EPOCH` when it is set, else the article's review date; in UTC."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    reviewed = article.provenance.last_reviewed
    return datetime.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=datetime.UTC)
