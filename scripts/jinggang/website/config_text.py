"""mkdocs.yml's own text as templates see it: escaped, because Material prints it as it is.

Material's templates write site_name, site_description, site_author, repo_name, copyright,
the nav's titles and the palette's toggle names into every page without escaping (MkDocs'
Jinja environment has no autoescape), so a site_name such as `<script>…</script>` would run
on every page. Templates get a view of the config whose text settings are escaped
(copyright, which may hold a link or `&copy;`, passes the allowlist sanitizer instead); the
nav and palette text, which only templates read, is escaped in place. Python code, which
escapes through autoescaped templates of its own (feeds, share cards, OpenSearch), keeps
reading the plain strings from the real config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..content.sanitize import sanitize_html

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation

ESCAPED_SETTINGS = frozenset({"site_name", "site_description", "site_author", "repo_name"})


class TemplateConfig:
    """The config as a template reads it (`config.site_name`, `config.theme`, …)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._config = config

    def __getattr__(self, name: str) -> Any:
        return self[name]

    def __getitem__(self, name: str) -> Any:
        value = self._config[name]
        if isinstance(value, str) and not isinstance(value, Markup):
            if name in ESCAPED_SETTINGS:
                return escape(value)
            if name == "copyright":
                return Markup(sanitize_html(value))
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._config

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._config else default


def escape_theme_text(config: MkDocsConfig) -> None:
    """The palette toggles' names, read only by templates (partials/palette.html)."""
    palette = config.theme.get("palette")
    for option in palette if isinstance(palette, list) else [palette] if isinstance(palette, dict) else []:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict) and isinstance(toggle.get("name"), str):
            toggle["name"] = escape(toggle["name"])


def escape_nav_titles(nav: Navigation) -> None:
    """Titles written in mkdocs.yml's nav (sections, links, pages given a title there).

    A page's own title (its front matter or first heading) is left alone: the plugin keeps
    those escaped already (plugin.on_page_markdown), and MkDocs has none of them yet.
    """
    for item in _walk(nav.items):
        if "title" in vars(item) and isinstance(item.title, str) and not isinstance(item.title, Markup):
            item.title = escape(item.title)


def _walk(items: list[Any]) -> list[Any]:
    found = []
    for item in items:
        found.append(item)
        found += _walk(getattr(item, "children", None) or [])
    return found
