"""What the body check lets through: code that shows HTML, ordinary links, anchors that exist.

The refusals are golden cases in tests/check_cases/ (html-*, javascript-*, link-*, ...). Here
the other side: harmless bodies pass, and every anchor the check accepts is one the built
site really has, so the check and MkDocs' toc agree on how headings become ids.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from jinggang.content.loader import Settings, load_content
from jinggang.content.problems import errors, format_report

from .conftest import build_site

HARMLESS = """
## 讲述

部队在三湾进行改编，把党的支部建在连上。写成代码的 `<script>alert(1)</script>` 不会运行。

```html
<iframe src="https://example.org/" onload="x()"></iframe>
<a href="javascript:void(0)">示例</a>
```

参看[参观要点](../sites/sanwan.md#参观要点)、[第二张幻灯片](../lecturers/sanwan-talk.md#slide-2)、
[本课小结](#小结)、[讲稿标题](../lecturers/sanwan-talk.md#支部建在连上)
和[党史网站](https://www.example.org/dangshi/ "外部链接可以写")。

<abbr title="中国工农红军">红军</abbr>在三湾<span class="jg-note">整编</span>。
"""

LINKS = re.compile(r'<a href="([^"]+)">')


def test_harmless_body_passes_and_every_accepted_anchor_exists(project: Path) -> None:
    lesson = project / "docs/lessons/sanwan-branch.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## 讲述\n\n部队在三湾进行改编，把党的支部建在连上。\n", HARMLESS), encoding="utf-8")
    result = load_content(Settings.for_project(project))
    assert errors(result.problems) == [], format_report(result.problems)

    site = build_site(project, strict=True)
    page = (site / "lessons/sanwan-branch/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page  # the inline code is escaped
    for href in ("../../sites/sanwan/#参观要点", "../../lecturers/sanwan-talk/#slide-2", "#小结",
                 "../../lecturers/sanwan-talk/#支部建在连上"):
        assert f'href="{href}"' in page, href
        path, _, anchor = href.partition("#")
        target = (site / "lessons/sanwan-branch" / path / "index.html").resolve() if path else \
            site / "lessons/sanwan-branch/index.html"
        assert f'id="{unquote(anchor)}"' in target.read_text(encoding="utf-8"), href
