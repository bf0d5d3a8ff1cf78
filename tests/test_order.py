"""Reader order (website/order.py): pinyin, not code points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jinggang.content.loader import Settings, load_content
from jinggang.website.order import guides_in_order, reading_key, terms_in_order

from .conftest import REPO


def test_pinyin_order_of_names() -> None:
    names = ["黄洋界", "茨坪", "八角楼", "三湾", "长征", "井冈山"]
    assert sorted(names, key=reading_key) == ["八角楼", "长征", "茨坪", "黄洋界", "井冈山", "三湾"]
    assert sorted(["妈", "马", "麻"], key=reading_key) == ["妈", "麻", "马"]  # then by tone
    assert sorted(["共青团", "共产儿童团", "工农武装割据"], key=reading_key) == ["工农武装割据", "共产儿童团", "共青团"]


def test_glossary_and_sites_in_pinyin_order() -> None:
    model = load_content(Settings.for_project(REPO)).model
    assert model is not None
    terms = [term.term for term in terms_in_order(model)]
    assert terms == sorted(terms, key=reading_key) and len(terms) > 3
    guides = [guide.name for guide in guides_in_order(model)]
    assert guides == sorted(guides, key=reading_key)
    assert guides.index("茨坪革命旧址群") < guides.index("黄洋界哨口") < guides.index("三湾改编旧址")


_SORT_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from jinggang.website import order
file = Path(sys.argv[1])
order.load_reading_keys(file)
names = json.loads(sys.argv[2])
print(json.dumps({"sorted": sorted(names, key=order.reading_key), "pypinyin": "pypinyin" in sys.modules}))
order.save_reading_keys(file)
"""


def _sort_in_a_new_process(file: Path, names: list[str]) -> dict[str, object]:
    completed = subprocess.run([sys.executable, "-c", _SORT_IN_A_NEW_PROCESS, str(file), json.dumps(names)],
                               capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_saved_reading_keys_sort_as_pypinyin_does_without_loading_it(tmp_path: Path) -> None:
    """A build saves the keys it made (.cache/jinggang/reading-keys.json); the next one sorts the
    same texts in the same order without pypinyin's dictionaries, and loads them for a new text,
    for keys of another version and for a damaged file."""
    file = tmp_path / ".cache/jinggang/reading-keys.json"
    names = ["黄洋界", "茨坪", "八角楼", "三湾", "长征", "井冈山", "重庆", "故都"]
    expected = sorted(names, key=reading_key)
    assert _sort_in_a_new_process(file, names) == {"sorted": expected, "pypinyin": True}
    assert file.is_file()
    assert _sort_in_a_new_process(file, names) == {"sorted": expected, "pypinyin": False}
    with_new = [*names, "瑞金"]
    assert _sort_in_a_new_process(file, with_new) == {"sorted": sorted(with_new, key=reading_key), "pypinyin": True}
    saved = json.loads(file.read_text(encoding="utf-8"))
    file.write_text(json.dumps({**saved, "version": "0/0.0"}), encoding="utf-8")
    assert _sort_in_a_new_process(file, names) == {"sorted": expected, "pypinyin": True}
    file.write_text('{"version": "', encoding="utf-8")
    assert _sort_in_a_new_process(file, names) == {"sorted": expected, "pypinyin": True}
    assert _sort_in_a_new_process(file, names) == {"sorted": expected, "pypinyin": False}


_BUILD_IN_A_NEW_PROCESS = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
print(json.dumps("pypinyin" in sys.modules))
"""


def test_a_whole_build_makes_missing_keys_in_a_process_of_its_own(project: Path, tmp_path: Path) -> None:
    """A first build (no saved keys) keys its titles and names in a forked process: pypinyin's
    55 MB never enter MkDocs's process, which forks the build's other work later. The lists come
    out in pinyin order all the same, and the keys are saved for the next build."""
    lesson = (project / "docs/lessons/sanwan-branch.md").read_text(encoding="utf-8")
    for name, title in (("bajiaolou", "八角楼的灯光"), ("changzheng", "长征出发"), ("ciping", "茨坪往事")):
        (project / f"docs/lessons/{name}.md").write_text(
            lesson.replace("id: sanwan-branch", f"id: {name}").replace("title: 支部建在连上", f"title: {title}"),
            encoding="utf-8")
    site = tmp_path / "site"
    completed = subprocess.run([sys.executable, "-c", _BUILD_IN_A_NEW_PROCESS, str(project / "mkdocs.yml"),
                                str(site)], capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout.splitlines()[-1]) is False
    model = load_content(Settings.for_project(project)).model
    assert model is not None
    titles = [lesson.title for lesson in model.lessons.values()]
    assert len(titles) == 4
    listing = (site / "lessons/index.html").read_text(encoding="utf-8")
    in_pinyin_order = ["八角楼的灯光", "长征出发", "茨坪往事"]  # code point order: 八, 茨, 长
    assert sorted(reversed(in_pinyin_order), key=listing.index) == in_pinyin_order
    saved = json.loads((project / ".cache/jinggang/reading-keys.json").read_text(encoding="utf-8"))["keys"]
    assert set(titles) <= saved.keys()
    assert all(tuple(map(tuple, saved[title])) == reading_key(title)[0] for title in titles)
