"""Guides "translated" by the tests into other scripts, through the real workflow.

A pseudo-translation: each English string becomes the same number of real words of the
language (drawn from a short list, the same English word always giving the same one),
keeping what a translation must keep (placeholders, `{clinic}`, figures, web addresses,
one line, a summary's length). It means nothing, and must never reach a patient: it exercises fonts, shaping,
direction and line breaking in every format, through `translate extract` and `apply`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import polib
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

import backpain_content as bc
from backpain_content.translate import apply_po, extract_po

_WORDS = {
    "ar": (
        "الوخز بالإبر الجافة لآلام الظهر العلاج الطبيعي أخبر أخصائي الألم العضلات التمارين "
        "الجلسات المريض الطبيب صحة يوم كل مع في من إلى على هذا التي يمكن أن بعد قبل الراحة "
        "المشي الحركة"
    ),
    "pa": (
        "ਪਿੱਠ ਦਰਦ ਲਈ ਡਰਾਈ ਨੀਡਲਿੰਗ ਰੋਜ਼ਾਨਾ ਖਿੱਚੋ ਸਰੀਰ ਮਾਸਪੇਸ਼ੀਆਂ ਇਲਾਜ ਡਾਕਟਰ ਕਸਰਤ ਸਿਹਤ "
        "ਆਰਾਮ ਦਿਨ ਹਰ ਨਾਲ ਵਿੱਚ ਤੋਂ ਕਰੋ ਸ੍ਰੀ ਕ੍ਰਿਪਾ ਪ੍ਰੇਮ ਸ਼ੁੱਧ ਕਿਰਪਾ ਫਿਜ਼ੀਓ"
    ),
    "zh-Hans": (
        "背痛 干针 治疗 肌肉 疼痛 每天 运动 医生 物理 治疗师 健康 休息 可以 帮助 减轻 姿势 "
        "拉伸 预约 诊所 安全 风险 出血 感染 呼吸"
    ),
    "ko": (
        "허리 통증 건식 바늘 치료 근육 운동 의사 물리 치료사 건강 휴식 도움 자세 스트레칭 "
        "예약 병원 안전 위험 출혈 감염 호흡 매일 가능"
    ),
    "el": (
        "πόνος πλάτη βελόνες θεραπεία μύες άσκηση γιατρός υγεία κάθε μέρα και με για στο "
        "φυσικοθεραπευτής ξεκούραση βοήθεια κίνδυνος ασφάλεια ραντεβού κλινική"
    ),
    "pl": (
        "ból pleców igłoterapia mięśnie ćwiczenia każdego dnia zdrowie lekarz źródło się że "
        "fizjoterapeuta odpoczynek pomoc ryzyko bezpieczeństwo wizyta przychodnia żółć"
    ),
}
WORDS = {language: words.split() for language, words in _WORDS.items()}
"""Real words of each language (Arabic, Punjabi in Gurmukhi, Simplified Chinese, Korean,
Greek, Polish), which the pseudo-translation strings together."""

PLACEHOLDER = re.compile(r"\{\w+\}")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _word(english: str, words: list[str], salt: str = "") -> str:
    """A word of about the English word's printed length (so that a translation is about
    as long as its source, as `fidelity` wants), the same English word always giving the
    same one."""
    digest = hashlib.sha256((salt + english.lower()).encode("utf-8")).digest()
    near = sorted(words, key=lambda word: (abs(_width(word) - len(english)), word))[:4]
    return near[digest[0] % len(near)]


def _figure(token: str, language: str) -> str:
    """An English figure ("19.18%", "1,000") with the language's decimal and group signs."""
    decimal = get_decimal_symbol(Locale.parse(language, sep="-"))
    group = get_group_symbol(Locale.parse(language, sep="-"))
    token = re.sub(r"(?<=\d),(?=\d{3})", "\x00", token)
    token = re.sub(r"(?<=\d)\.(?=\d)", decimal, token)
    return token.replace("\x00", group)


def pseudo(english: str, language: str, salt: str = "") -> str:
    """`english` as words of `language`, its placeholders and sentence ends kept; as long
    as the English at most, where a one-line string has its limit (200 characters)."""
    made = _pseudo(english, WORDS[language], language, salt)
    if len(made) > max(len(english), 150):
        shorter = sorted(WORDS[language], key=len)[: len(WORDS[language]) // 2]
        made = _pseudo(english, shorter, language, salt)
    return made


def _pseudo(english: str, words: list[str], language: str, salt: str) -> str:
    chinese = language.startswith("zh")
    out: list[str] = []
    for token in re.findall(r"\{\w+\}|[^\s{}]+", english):
        # Placeholders, figures and web addresses stay as they are, as a translation
        # must keep them (`fidelity` checks it).
        if PLACEHOLDER.fullmatch(token) or token.startswith(("http://", "https://")):
            out.append(token)
            continue
        if re.search(r"\d", token):
            out.append(_figure(token, language))
            continue
        word = _word(token, words, salt)
        if token.endswith((".", "?", "!")):
            word += "。" if chinese else "."
        out.append(word)
    joined = ("" if chinese else " ").join(out)
    # Chinese has no spaces between words, but keeps them around placeholders.
    return re.sub(r"(\{\w+\})", r" \1 ", joined).strip() if chinese else joined


def translated_po(
    language: str, folder: Path, article: bc.Article | None = None, salt: str = ""
) -> Path:
    """A PO file of the bundled English guide, every string pseudo-translated (`salt`
    draws other words, for a guide whose text differs from one made before)."""
    article = article or bc.load_article()
    catalog = polib.pofile(extract_po(article, language).decode("utf-8"))
    for entry in catalog:
        if not any(c.isalpha() for c in entry.msgid):
            entry.msgstr = entry.msgid  # punctuation (": ", " · ") is kept as it is
        else:
            entry.msgstr = pseudo(entry.msgid, language, salt)
    catalog.metadata["Last-Translator"] = "The test suite"
    path = folder / f"{article.id}.{language}{salt}.po"
    catalog.save(str(path))
    return path


def translated(language: str, folder: Path, salt: str = "") -> bc.Article:
    """The bundled guide, pseudo-translated into `language` through `translate apply`."""
    return apply_po(translated_po(language, folder, salt=salt))
