"""`import backpain_content` stays light: heavy libraries load only with their format."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("reportlab", "ebooklib", "lxml", "PIL")


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    script = (
        f"import sys\n{code}\nimport json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(heavy)!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return list(json.loads(result.stdout))


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert _loaded_after("import backpain_content") == []


def test_babel_loads_with_the_first_date() -> None:
    # Dates, times and numbers come from CLDR through Babel (a tenth of a second to import
    # its dates): with the first one a render writes, not with the package.
    assert _loaded_after("import backpain_content", ("babel",)) == []
    code = "import backpain_content as bc\nbc.render_html(bc.load_article())"
    assert _loaded_after(code, ("babel",)) == ["babel"]


def test_jinja_loads_with_the_first_template() -> None:
    # A handout never needs Jinja: it loads with the first template, not with the package.
    assert _loaded_after("import backpain_content", ("jinja2",)) == []
    code = "import backpain_content as bc\nbc.render_html(bc.load_article())"
    assert _loaded_after(code, ("jinja2",)) == ["jinja2"]


def test_html_needs_none_of_them() -> None:
    code = "import backpain_content as bc\nbc.render_html(bc.load_article())"
    assert _loaded_after(code) == []


def test_each_format_loads_only_what_it_needs() -> None:
    pdf = _loaded_after("import backpain_content as bc\nbc.render_pdf(bc.load_article())")
    assert "reportlab" in pdf
    assert "ebooklib" not in pdf
    assert "lxml" not in pdf
    epub = _loaded_after("import backpain_content as bc\nbc.render_epub(bc.load_article())")
    assert {"ebooklib", "lxml", "PIL"} <= set(epub)
    assert "reportlab" not in epub


def test_every_public_name_resolves_and_email_and_batch_load_on_first_use() -> None:
    code = (
        "import sys, backpain_content as bc\n"
        "early = sorted({'smtplib', 'multiprocessing'} & set(sys.modules))\n"
        "missing = [name for name in bc.__all__ if getattr(bc, name, None) is None]\n"
        "import json; print(json.dumps([early, missing, bc.SmtpSettings.__module__]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    early, missing, module = json.loads(result.stdout)
    assert early == []
    assert missing == []
    assert module == "backpain_content.mail"
