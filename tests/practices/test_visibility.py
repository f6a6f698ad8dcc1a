"""Who reads a practice: a proposal only its unit and the committees above; a published one the
whole sub-tree of the committee that selected it. Anything else answers 404."""

from django.urls import reverse

from ..factories import pass_second_factor, proposed_practice, published_practice


def status(client, user, name, *args):
    pass_second_factor(client, user)
    return client.get(reverse(name, args=args)).status_code


def test_a_published_practice_is_read_in_the_committee_sub_tree_only(world, client):
    practice = published_practice(world.cell, world.bob, world.olga)
    inside = (world.alice, world.bob, world.charlie, world.hana, world.olga, world.root)
    for user in inside:
        assert status(client, user, "practices:detail", practice.pk) == 200, user
    for user in (world.dave, world.victor):
        assert status(client, user, "practices:detail", practice.pk) == 404, user
        assert practice.title not in client.get(reverse("practices:library")).text


def test_a_proposal_is_read_by_its_unit_and_the_chain_above(world, client):
    practice = proposed_practice(world.cell, world.bob)
    for user in (world.bob, world.olga, world.root):
        assert status(client, user, "practices:detail", practice.pk) == 200, user
    for user in (world.alice, world.charlie, world.hana, world.dave, world.victor):
        assert status(client, user, "practices:detail", practice.pk) == 404, user


def test_only_a_committee_above_decides(world, client):
    practice = proposed_practice(world.cell, world.bob)
    decide = reverse("practices:decide", args=[practice.pk])
    for user in (world.bob, world.charlie, world.victor):
        pass_second_factor(client, user)
        assert client.post(decide, {"action": "select"}).status_code == 404, user
    practice.refresh_from_db()
    assert practice.status == "proposed"


def test_a_practice_published_by_the_district_does_not_reach_another_district(world, client):
    practice = published_practice(world.cell, world.bob, world.olga)
    pass_second_factor(client, world.victor)
    # victor leads no cell; even the adoption page of a cell of his answers 404
    assert client.post(reverse("practices:adopt", args=[practice.pk])).status_code == 404
