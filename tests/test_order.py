"""Reader order (website/order.py): pinyin, not code points."""

from __future__ import annotations

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
