"""`backpain-content lint`: every flag it claims to raise, each on a small file written here,
and the bundled guide clean."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

import backpain_content as bc
from backpain_content.lint import lint
from command import run_cli
from tomlwriter import dumps

SUMMARIES = 60
"""The bundled guide's summaries: every section's and every item's."""


def _guide(tmp_path: Path, change: Any) -> Path:
    data = bc.load_article().model_dump(mode="json")
    change(data)
    path = tmp_path / "guide.toml"
    path.write_text(dumps(data), encoding="utf-8")
    return path


def _at(reference: str) -> int:
    """Where the bundled guide lists the reference `reference`."""
    ids = [entry.id for entry in bc.load_article().references]
    return ids.index(reference)


def _flags(path: Path) -> list[str]:
    result = run_cli("lint", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    return [
        line.strip().removeprefix("flag: ")
        for line in result.stdout.splitlines()
        if line.strip().startswith("flag:")
    ]


def test_the_bundled_guides_are_clean() -> None:
    result = run_cli("lint")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    split = lines.index(f"bundled dry-needling-back-pain.fr-CA: {SUMMARIES} summaries")
    end = next(i for i, line in enumerate(lines) if line.startswith("bundled exercise-"))
    english, french = "\n".join(lines[:split]), "\n".join(lines[split:end])
    # The exercise guide, in both languages, is as clean.
    for language in ("en-CA", "fr-CA"):
        assert f"bundled exercise-low-back-pain.{language}: nothing to look at" in lines[end:]
    lines = english.splitlines()
    assert lines[0] == f"bundled dry-needling-back-pain.en-CA: {SUMMARIES} summaries"
    assert lines[-1] == "bundled dry-needling-back-pain.en-CA: nothing to look at"
    # Every summary gets a grade and a word count.
    rows = [line.split() for line in lines[2:-1]]
    assert len(rows) == SUMMARIES
    assert all(float(grade) <= 8 and 1 <= int(words) <= 25 for grade, words, _ in rows)
    # French: the word counts, and a note that the English reading grade was not applied.
    lines = french.splitlines()
    rows = [line.split() for line in lines[2:] if line.startswith("      -")]
    assert len(rows) == SUMMARIES
    assert all(grade == "-" and 1 <= int(words) <= 25 for grade, words, _ in rows)
    assert "  note: reading grades not checked: the Flesch-Kincaid formula is for English" in french
    assert lines[-1] == "bundled dry-needling-back-pain.fr-CA: nothing to look at"


def test_a_summary_above_grade_8_is_flagged(tmp_path: Path) -> None:
    def hard(data: dict[str, Any]) -> None:
        data["lifestyle"]["items"][1]["summary"] = (
            "Regular cardiovascular conditioning substantially strengthens paravertebral "
            "musculature, considerably improving flexibility and diminishing susceptibility."
        )

    assert _flags(_guide(tmp_path, hard)) == [
        "lifestyle.items[1].summary: reads at grade 35.8, above 8"
    ]


def test_a_title_styled_unlike_its_siblings_is_flagged(tmp_path: Path) -> None:
    def odd(data: dict[str, Any]) -> None:
        data["mechanisms"]["items"][1]["title"] = "REDUCES PAIN"
        data["therapies"]["items"][2]["title"] = "Shockwave Therapy."
        data["safety"]["serious_risks"]["items"][0]["title"] = "Serious Problems Are Rare"

    assert _flags(_guide(tmp_path, odd)) == [
        "mechanisms.items[1].title: is styled 'all capitals', unlike its siblings ('mixed capitals')",
        "therapies.items[2].title: is styled 'ends with punctuation', unlike its siblings ('no end punctuation')",
        "safety.serious_risks.items[0].title: is styled 'title', unlike its siblings ('sentence')",
    ]


def test_the_sources_own_mixed_title_case_is_not_flagged() -> None:
    """The article's titles stay as its author wrote them ("Spinal joint pain" beside
    "Muscle Strain"): their case is not compared, only what the guide writes itself."""
    article = bc.load_article()
    assert {item.title for item in article.causes.items} >= {"Spinal joint pain", "Muscle Strain"}
    assert lint(article).findings == ()


def test_a_safety_item_without_a_reference_is_flagged(tmp_path: Path) -> None:
    def unsourced(data: dict[str, Any]) -> None:
        data["safety"]["tell_your_physio"]["items"][0]["sources"] = []
        # Its reference is then cited by nothing: flagged too.

    assert _flags(_guide(tmp_path, unsourced)) == [
        "safety.tell_your_physio.items[0].sources: names no reference: every claim needs one",
        f"references[{_at('munoz-2022')}]: 'munoz-2022' is cited by no item",
    ]


def test_an_item_resting_only_on_weaker_sources_is_flagged(tmp_path: Path) -> None:
    def weak(data: dict[str, Any]) -> None:
        data["safety"]["urgent_signs"]["items"][2]["sources"] = ["alberta-911"]

    assert _flags(_guide(tmp_path, weak)) == [
        "safety.urgent_signs.items[2].sources: rests on no regulator, public health service or study"
    ]


def test_a_reference_no_item_cites_is_flagged(tmp_path: Path) -> None:
    def unused(data: dict[str, Any]) -> None:
        data["references"].append(
            {
                **data["references"][0],
                "id": "spare-2024",
                "label": "Spare 2024",
                "publisher": "Spare A. Journal of Examples 2024",
            }
        )

    spare = len(bc.load_article().references)
    assert _flags(_guide(tmp_path, unused)) == [
        f"references[{spare}]: 'spare-2024' is cited by no item"
    ]


def test_a_review_past_due_is_flagged(tmp_path: Path) -> None:
    def overdue(data: dict[str, Any]) -> None:
        data["provenance"]["review_due"] = "2022-01-31"

    assert _flags(_guide(tmp_path, overdue)) == [
        "provenance.review_due: the review was due on 2022-01-31"
    ]
    article = bc.load_article()
    assert (
        lint(article, today=article.provenance.review_due + datetime.timedelta(days=1))
        .findings[-1]
        .field
        == "provenance.review_due"
    )


def test_a_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("title = ", encoding="utf-8")
    result = run_cli("lint", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"backpain-content: error: {bad}: is not valid TOML")


def test_without_textstat_the_grades_are_skipped_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from backpain_content.cli import main

    monkeypatch.setitem(sys.modules, "textstat", None)
    assert main(["lint"]) == 0
    out = capsys.readouterr().out
    assert (
        "note: reading grades not checked: pip install 'backpain-content[lint]' (textstat)" in out
    )
    assert "    -     21  summary" in out


# The rules for the guide's own text (issue 23): each flags a bad case, and the bundled guide,
# which has the good one, is clean (test_the_bundled_guides_are_clean).


def test_a_safety_body_above_grade_10_is_flagged(tmp_path: Path) -> None:
    def hard(data: dict[str, Any]) -> None:
        data["safety"]["side_effects"]["items"][3]["body"] = (
            "Percutaneous intramuscular stimulation occasionally precipitates transient "
            "neuropathic paraesthesia, conventionally characterised as an adverse event."
        )

    (flag,) = _flags(_guide(tmp_path, hard))
    assert flag.startswith("safety.side_effects.items[3].body: reads at grade ")
    assert flag.endswith(", above 10")


def test_a_summary_that_drops_a_key_number_is_flagged(tmp_path: Path) -> None:
    def dropped(data: dict[str, Any]) -> None:
        data["safety"]["urgent_signs"]["items"][1]["summary"] = (
            "Pain much worse or constant? Unexplained weight loss? A fever? See a doctor now."
        )

    assert _flags(_guide(tmp_path, dropped)) == [
        "safety.urgent_signs.items[1].summary: drops 38, which its body gives"
    ]


def test_a_summary_that_drops_a_qualifier_is_flagged(tmp_path: Path) -> None:
    def kinder(data: dict[str, Any]) -> None:
        data["safety"]["urgent_signs"]["items"][1]["summary"] = (
            "Pain much worse or constant? Weight loss? Fever of 38 °C or more? "
            "Pain down a leg past the knee? See a doctor now."
        )
        data["safety"]["urgent_signs"]["items"][0]["summary"] = (
            "Numbness between your legs? Bladder or bowel changes? Weakness or numbness in "
            "your legs? Go to emergency now."
        )

    assert _flags(_guide(tmp_path, kinder)) == [
        "safety.urgent_signs.items[0].summary: drops 'both' before or after 'legs', as its body has it",
        "safety.urgent_signs.items[1].summary: drops 'unexplained' before or after 'weight', as its body has it",
    ]


def test_the_ordinal_sign_for_a_degree_is_flagged(tmp_path: Path) -> None:
    def ordinal(data: dict[str, Any]) -> None:
        for field in ("body", "summary"):
            item = data["safety"]["urgent_signs"]["items"][1]
            item[field] = item[field].replace("38 °C", "38ºC")

    assert _flags(_guide(tmp_path, ordinal)) == [
        "safety.urgent_signs.items[1].body: writes a degree with the ordinal sign º (or ˚): use ° (U+00B0)",
        "safety.urgent_signs.items[1].summary: writes a degree with the ordinal sign º (or ˚): use ° (U+00B0)",
    ]


def test_a_label_that_does_not_name_its_publisher_is_flagged(tmp_path: Path) -> None:
    at = _at("cpta-risks-consent")

    def misnamed(data: dict[str, Any]) -> None:
        data["references"][at]["label"] = "Physiotherapists of Alberta"

    assert _flags(_guide(tmp_path, misnamed)) == [
        f"references[{at}].label: does not name the reference's publisher (or first author): "
        "a short citation begins as its publisher's name does"
    ]
    # A study's first author, an organisation's initials and its name are all fine.
    for label, publisher in [
        ("Brady 2014", "Brady S, McEvoy J. Journal of Manual & Manipulative Therapy"),
        ("HQCA", "Health Quality Council of Alberta"),
        ("NICE 2016", "NICE (National Institute for Health and Care Excellence)"),
    ]:
        from backpain_content.lint import _names_publisher

        assert _names_publisher(label, publisher), label
