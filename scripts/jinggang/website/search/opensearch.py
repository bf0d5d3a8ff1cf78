"""The OpenSearch description, so that a browser can add the site as a search engine."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..render import Renderer

FILE = "search/opensearch.xml"


def write_opensearch(renderer: Renderer, config: MkDocsConfig, site_dir: Path) -> None:
    site_url = (config.site_url or "").rstrip("/") + "/"
    xml = renderer.env.get_template("jinggang/opensearch.xml").render(
        short_name=config.site_name[:16], description=config.site_description or config.site_name,
        results_url=site_url + "search/", self_url=site_url + FILE)
    path = site_dir / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(xml + "\n", encoding="utf-8")
