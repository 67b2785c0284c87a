"""An example clinic site built on backpain-content: the guide in the clinic's own layout, the
home tips in a sidebar, every handout and the ePub to download, and a form that emails the
guide to a patient.

Run it with `python examples/clinic_site/app.py --clinic clinic.toml --port 8000` (waitress,
16 threads). Mail goes to the server named by BPC_SMTP_HOST and BPC_SMTP_PORT (plain SMTP to
a relay on this machine; a real clinic uses starttls and a login).
"""

from __future__ import annotations

import argparse
import os

from flask import Flask, Response, abort, render_template_string, request

import backpain_content as bc

PAGE = """<!DOCTYPE html>
<html lang="{{ article.language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ clinic.name }}: {{ article.title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; }
.site-header, .site-footer { background: #f4f4f4; padding: 1em; }
.site-layout { display: flex; flex-wrap: wrap; gap: 2em; padding: 1em; }
.site-layout main { flex: 3 1 30em; }
.site-layout aside { flex: 1 1 15em; }
{{ stylesheet }}
</style>
</head>
<body>
<header class="site-header">
<p><strong>{{ clinic.name }}</strong></p>
<nav aria-label="Downloads">
<ul>
{% for item in downloads %}
<li><a href="/download/{{ item.name }}">{{ item.label }}</a></li>
{% endfor %}
</ul>
</nav>
</header>
<div class="site-layout">
<main>
<h1>{{ article.title }}</h1>
{{ guide }}
</main>
<aside aria-label="Home tips">
{{ tips }}
<form method="post" action="/email">
<h2>Email this guide</h2>
<p><label for="name">Your name</label><br><input id="name" name="name" autocomplete="name"></p>
<p><label for="to">Your email address</label><br><input id="to" name="to" type="email" required autocomplete="email"></p>
<p><button type="submit">Send me the guide</button></p>
</form>
{% if status %}<p role="status">{{ status }}</p>{% endif %}
</aside>
</div>
<footer class="site-footer"><p>{{ clinic.name }}</p></footer>
</body>
</html>
"""

LABELS = {
    "html": "The guide as a web page",
    "pdf": "Handout (PDF)",
    "pdf-large": "Large-print handout (PDF)",
    "before": "Before your first session: consent, risks and questions (PDF)",
    "before-large": "Before your first session, large print (PDF)",
    "epub": "E-book (ePub)",
    "brochure": "Tri-fold brochure to print, both sides (PDF)",
    "poster": "Waiting-room poster (PDF)",
}


def create_app(clinic_file: str | None = None) -> Flask:
    """The site, for the clinic described by `clinic_file` (the guide's own clinic if None)."""
    app = Flask(__name__)
    article = bc.load_article()
    clinic = bc.load_clinic(clinic_file) if clinic_file else bc.default_clinic(article)
    sender = clinic.email or "front@clinic.example"

    def page(status: str = "") -> str:
        # The guide under the page's own h1; the tips as a second snippet, without a second
        # stylesheet (the page carries it once) and without the footer the guide shows.
        guide = bc.render_html(
            article,
            clinic=clinic,
            options=bc.HtmlOptions(heading_level=2, show_title=False, include_style=False),
        )
        tips = bc.render_html(
            article,
            clinic=clinic,
            options=bc.HtmlOptions(
                sections=("lifestyle",), heading_level=2, show_footer=False, include_style=False
            ),
        )
        return render_template_string(
            PAGE,
            article=article,
            clinic=clinic,
            guide=guide,
            tips=tips,
            stylesheet=bc.stylesheet(clinic),
            # A format this page has no words for yet is offered under its own description.
            downloads=[
                {"name": f.name, "label": LABELS.get(f.name, f.description)} for f in bc.FORMATS
            ],
            status=status,
        )

    @app.get("/")
    def home() -> str:
        return page()

    @app.get("/download/<name>")
    def download(name: str) -> Response:
        if name not in LABELS:
            abort(404)
        paper = request.args.get("paper", "letter")
        if paper not in bc.PAPERS:
            abort(400)
        result = bc.render(name, article, clinic=clinic, paper=paper)  # type: ignore[arg-type]
        if request.headers.get("If-None-Match") == result.etag:
            return Response(status=304, headers={"ETag": result.etag})
        return Response(
            result.data,
            mimetype=result.media_type,
            headers={
                "ETag": result.etag,
                "Content-Disposition": f'attachment; filename="{result.filename}"',
            },
        )

    @app.post("/email")
    def email() -> tuple[str, int]:
        try:
            message = bc.build_guide_email(
                article,
                to=request.form.get("to", ""),
                sender=sender,
                clinic=clinic,
                patient_name=request.form.get("name") or None,
            )
            settings = bc.SmtpSettings(
                host=os.environ.get("BPC_SMTP_HOST", "127.0.0.1"),
                port=int(os.environ.get("BPC_SMTP_PORT", "25")),
                security="none",
                timeout=10,
            )
            bc.send_email(message, settings)
        except bc.ContentError as error:
            # One line naming the field; it never repeats what the patient typed.
            return page(
                f"The guide was not sent: {error.field or error.source}: {error.problem}"
            ), 400
        return page("The guide is on its way to your inbox."), 200

    return app


def main() -> None:
    from waitress import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinic", help="the clinic's TOML file")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    serve(create_app(args.clinic), host="127.0.0.1", port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
