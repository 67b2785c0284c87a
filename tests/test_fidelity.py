"""A translation carries over what its source says: the safety text's figures (in the
language's own notation), emergency numbers, web addresses, and about its length.
`translate apply` refuses one that does not, naming every problem; `lint` flags it."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

import backpain_content as bc
from backpain_content.fidelity import check_translation, figures
from command import run_cli

ROOT = Path(__file__).resolve().parent.parent
PO_NAME = "dry-needling-back-pain.fr-CA.po"
SOURCE = ROOT / "src" / "backpain_content" / "articles" / "dry-needling-back-pain.en-CA.toml"
FIGURED = "safety.side_effects.bruising-bleeding-and-soreness.body"
URGENT = "safety.urgent_signs.bladder-bowel-or-numbness.body"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("19.18% of 1,000 people", "en-CA", {"19.18", "1000"}),
        ("19,18 % de 1 000 personnes", "fr-CA", {"19.18", "1000"}),
        ("19,18\u00a0% de 1\u202f000", "fr-CA", {"19.18", "1000"}),
        ("call 911 or 811; 38 °C for 72 hours", "en-CA", {"911", "811", "38", "72"}),
        ("3, 6 or 3 6 sessions", "en-CA", {"3", "6"}),
        ("约19.18%的人", "zh-Hans", {"19.18"}),
        ("\u0661\u0669\u066b\u0661\u0668", "ar", {"19.18"}),  # Arabic-Indic digits
        ("H2O and COVID-19", "en-CA", {"19"}),
    ],
)
def test_figures_are_read_in_the_languages_notation(
    text: str, language: str, expected: set[str]
) -> None:
    assert figures(text, language) == expected


def test_the_same_figure_in_either_notation_is_no_slip() -> None:
    source = "About 19.18% of treatments, or 19 in 100; call 911."
    french = "Environ 19,18 % des traitements, soit 19 sur 100; appelez le 911."
    assert list(check_translation(FIGURED, source, french, "en-CA", "fr-CA")) == []


def test_a_changed_figure_emergency_number_or_address_is_a_slip() -> None:
    source = "Call 911 or see https://example.org/help about 19.18% of the time, and more."
    translated = "Appelez le 91 ou voyez https://example.org/aide environ 9,18 % du temps, et plus."
    problems = [s.problem for s in check_translation(FIGURED, source, translated, "en-CA", "fr-CA")]
    assert problems == [
        "drops the figure 19.18, which the source gives",
        "drops the figure 911, which the source gives",
        "gives the figure 9.18, which the source does not",
        "gives the figure 91, which the source does not",
        "drops or changes the web address https://example.org/help",
        "has a web address the source does not: https://example.org/aide",
    ]
    # Outside the safety section, only emergency numbers and addresses must carry over.
    elsewhere = [
        s.problem
        for s in check_translation("closing.paragraphs[0]", source, translated, "en-CA", "fr-CA")
    ]
    assert elsewhere == [
        "drops the emergency number 911",
        "drops or changes the web address https://example.org/help",
        "has a web address the source does not: https://example.org/aide",
    ]


@pytest.mark.parametrize("ratio", [0.3, 2.5])
def test_a_string_far_shorter_or_longer_than_its_source_is_a_slip(ratio: float) -> None:
    source = "Numbness between your legs, or new trouble passing urine, needs care now."
    translated = ("mot " * int(len(source) * ratio / 4)).strip()
    [slip] = check_translation("labels.disclaimer", source, translated, "en-CA", "fr-CA")
    assert "of its source's length (outside 50%-200%)" in slip.problem


def test_a_short_string_or_an_untranslated_one_is_not_measured() -> None:
    assert (
        list(
            check_translation(
                "labels.sources", "Sources", "Références bibliographiques", "en-CA", "fr-CA"
            )
        )
        == []
    )
    same = "Call 911 now: this is an emergency, not a question."
    assert list(check_translation(URGENT, same, same, "en-CA", "fr-CA")) == []


def _po(tmp_path: Path, changes: dict[str, object]) -> Path:
    """The French PO file with some strings changed (a function of the msgstr, or a new
    msgstr)."""
    po = polib.pofile(str(ROOT / "translations" / PO_NAME))
    for entry in po:
        change = changes.get(entry.msgctxt)
        if change is not None:
            entry.msgstr = change(entry.msgstr) if callable(change) else str(change)
    path = tmp_path / PO_NAME
    po.save(str(path))
    return path


def test_apply_refuses_a_translation_that_drops_what_its_source_says(tmp_path: Path) -> None:
    """The attacks of issue 26: a figure changed in translation, an urgent sign's body
    translated as one word, 911 become 91, and the disclaimer blanked into a word."""
    path = _po(
        tmp_path,
        {
            FIGURED: lambda text: text.replace("19,18", "9,18"),
            URGENT: "Rien.",
            "aftercare.what-is-not-normal.body": lambda t: t.replace("911", "91"),
            "labels.disclaimer": "Info.",
        },
    )
    out = tmp_path / "out.toml"
    done = run_cli("translate", "apply", str(path), "--source", str(SOURCE), "-o", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    line = done.stderr.strip()
    assert "\n" not in line
    assert line.startswith(
        f"backpain-content: error: {path}: {FIGURED}: drops the figure 19.18, which the source gives ("
    )
    assert "problems in all" in line
    assert f"{URGENT}: is 1% of its source's length" in line
    assert "gives the figure 9.18" in line
    assert "aftercare.what-is-not-normal.body: drops the emergency number 911" in line
    assert "labels.disclaimer: is " in line
    assert not out.exists()


def test_apply_names_every_problem_with_their_count(tmp_path: Path) -> None:
    path = _po(tmp_path, {"labels.disclaimer": "Info.", URGENT: "Rien."})
    done = run_cli(
        "translate", "apply", str(path), "--source", str(SOURCE), "-o", str(tmp_path / "o.toml")
    )
    assert done.returncode == 2
    assert "(2 problems in all; also " in done.stderr


def test_lint_flags_a_translated_guide_that_drops_a_figure(tmp_path: Path) -> None:
    guide = ROOT / "src" / "backpain_content" / "articles" / "dry-needling-back-pain.fr-CA.toml"
    text = guide.read_text(encoding="utf-8")
    assert text.count("19,18") >= 1
    changed = tmp_path / guide.name
    changed.write_text(text.replace("19,18", "9,18"), encoding="utf-8")
    done = run_cli("lint", str(changed))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flag: safety.side_effects.items[0].body: drops the figure 19.18" in done.stdout
    # The bundled French guide, against its English source: nothing of the kind.
    assert bc.load_bundled  # the library loads
    clean = run_cli("lint", str(guide))
    assert "drops the figure" not in clean.stdout
    assert "of its source's length" not in clean.stdout
