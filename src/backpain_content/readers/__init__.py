"""Readers: guide files in the forms clinics write them (TOML, Markdown with front
matter, a blog post to import), each turned into the one model; and the TOML and Markdown
forms written back from it, so a guide converts from one to the other without loss."""
