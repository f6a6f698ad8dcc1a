"""The library searches accent-insensitively and filters by year, field and unit."""

from django.urls import reverse

from ..factories import pass_second_factor, published_practice


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"]]


def test_search_ignores_accents_and_case(world, client):
    published_practice(
        world.cell,
        world.bob,
        world.olga,
        title="Nuôi cá lồng trên lòng hồ",
        description="Tổ hợp tác của bản, đảng viên góp vốn trước.",
        results="12 hộ có thu nhập ổn định.",
    )
    published_practice(
        world.next_cell,
        world.charlie,
        world.olga,
        title="Đảng viên giúp bản trồng cà phê",
        field="party_building",
        year=2025,
        description="Mỗi đảng viên nhận kèm một hộ.",
        results="30 ha được trồng mới.",
    )
    pass_second_factor(client, world.charlie)
    library = reverse("practices:library")
    for query in ("nuoi ca long", "NUÔI CÁ", "lòng ho"):
        assert titles(client.get(library, {"q": query})) == ["Nuôi cá lồng trên lòng hồ"], query
    assert titles(client.get(library, {"q": "dang vien ca phe"})) == [
        "Đảng viên giúp bản trồng cà phê"
    ]
    assert titles(client.get(library, {"q": "che"})) == []
    assert titles(client.get(library, {"year": "2025"})) == ["Đảng viên giúp bản trồng cà phê"]
    assert titles(client.get(library, {"field": "economy"})) == ["Nuôi cá lồng trên lòng hồ"]
    assert titles(client.get(library, {"unit": world.next_cell.pk})) == [
        "Đảng viên giúp bản trồng cà phê"
    ]


def test_bad_filters_never_crash(world, client):
    published_practice(world.cell, world.bob, world.olga)
    pass_second_factor(client, world.olga)
    library = reverse("practices:library")
    assert client.get(library, {"year": "99999"}).status_code == 404
    for params in ({"field": "x"}, {"unit": "abc"}, {"page": "-1"}, {"q": "'; drop"}):
        assert client.get(library, params).status_code == 200, params
