"""Text that prints nothing is refused: a safety warning translated as a word joiner or a
soft hyphen would vanish from the handout while every check passed. Every text field of
the model (guide, clinic, labels, plan) and every door into it (TOML, PO) gets the rule.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

import backpain_content as bc
from backpain_content.errors import ContentError
from backpain_content.fields import visible
from command import run_cli

ARTICLE = bc.load_article()
DATA = ARTICLE.model_dump(mode="json")

INVISIBLE = {
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "left-to-right mark": "\u200e",
    "byte order mark": "\ufeff",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "Hangul filler": "\u3164",
    "blank Braille pattern": "\u2800",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_not_visible(char: str) -> None:
    assert not visible(char)


@pytest.mark.parametrize("text", ["a", "9", "。", "€", "ع", "中"])
def test_letters_digits_punctuation_and_symbols_are_visible(text: str) -> None:
    assert visible(text)


def _refusal(**changes: object) -> str:
    with pytest.raises(ContentError) as raised:
        bc.Article.model_validate({**DATA, **changes})
    return str(raised.value)


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_text_of_only_invisible_characters_is_refused(char: str) -> None:
    message = _refusal(title=char * 3 + " " + char)
    assert message == "Article: title: has no visible text: only spaces or invisible characters"


@pytest.mark.parametrize("where", ["begins", "ends"])
def test_text_may_not_begin_or_end_invisibly(where: str) -> None:
    title = "\u2060Call 911" if where == "begins" else "Call 911\u2060"
    assert _refusal(title=title) == (f"Article: title: {where} with the invisible character U+2060")


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
def test_line_and_paragraph_separators_are_refused(char: str) -> None:
    message = _refusal(summary=f"Call 911{char}or go to the emergency department.")
    assert f"U+{ord(char):04X}" in message
    assert message.startswith("Article: summary: contains the line or paragraph separator")


@pytest.mark.parametrize(
    "title",
    [
        "Dry nee\u00addling",  # a soft hyphen inside a word: where it may break
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a ZWNJ between letters
        "\u05e9\u05dc\u05d5\u05dd \u200eABC",  # a direction mark inside
        "\U0001f469\u200d\u2695\ufe0f Nurse",  # an emoji sequence joined by ZWJ
    ],
)
def test_invisible_characters_inside_visible_text_are_kept(title: str) -> None:
    assert bc.Article.model_validate({**DATA, "title": title}).title == title


def test_every_kind_of_record_gets_the_rule() -> None:
    with pytest.raises(ContentError, match=r"^Clinic: name: has no visible text"):
        bc.Clinic(name="\u2060\u00ad")
    with pytest.raises(ContentError, match=r"labels.*disclaimer: has no visible text"):
        bc.Clinic(name="Example Physio", labels={"en": {"disclaimer": "\ufeff"}})
    with pytest.raises(ContentError, match=r"^PatientPlan: note: ends with the invisible"):
        bc.PatientPlan(physiotherapist="Sam Lee", sessions=4, note="Walk daily\u200b")


def test_a_guide_file_with_an_invisible_warning_is_refused(tmp_path: Path) -> None:
    """The cauda equina warning's title made of format characters, in the guide file."""
    text = _bundled_toml().read_text(encoding="utf-8")
    title = ARTICLE.safety.urgent_signs.items[0].title
    assert text.count(f'title = "{title}"') == 1
    path = tmp_path / "guide.toml"
    path.write_text(text.replace(f'title = "{title}"', 'title = "\u2060\u00ad"'), "utf-8")
    done = run_cli("validate", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {path}: safety.urgent_signs.items[0].title: "
        "has no visible text: only spaces or invisible characters"
    )


def _bundled_toml() -> Path:
    return Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.en-CA.toml"


URGENT = "safety.urgent_signs.bladder-bowel-or-numbness"


def test_a_translation_of_invisible_safety_text_is_refused(tmp_path: Path) -> None:
    po_path = tmp_path / "dry-needling-back-pain.fr-CA.po"
    root = Path(__file__).resolve().parent.parent
    po = polib.pofile(str(root / "translations" / po_path.name))
    changed = 0
    for entry in po:
        if entry.msgctxt in (f"{URGENT}.title", f"{URGENT}.body", f"{URGENT}.summary"):
            entry.msgstr = "\u2060"
            changed += 1
    assert changed == 3
    po.save(str(po_path))
    out = tmp_path / "out.toml"
    done = run_cli(
        "translate", "apply", str(po_path), "--source", str(_bundled_toml()), "-o", str(out)
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{po_path}: {URGENT}.title: has no visible text" in done.stderr
    assert "(and 2 more problems)" in done.stderr
    assert not out.exists()
