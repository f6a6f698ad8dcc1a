"""Every Party document is signed by one rule (`core.documents.default_signature`): the form
"T/M …" by the kind of unit, the secretary (else the first deputy) with their name."""

from registry.collective.pdf import render_registration_pdf
from registry.collective.selectors import registration_of
from registry.reviews import services as reviews

from ..factories import collective_registration
from ..pdfs import flat, needs_poppler, reading_text, save


def test_a_review_is_signed_by_the_secretary_or_left_for_the_committee_to_sign(tree, people):
    assert reviews.default_signature(tree.cell) == {
        "on_behalf": "T/M CHI BỘ",
        "signer_title": "BÍ THƯ",
        "signer_name": "Lò Văn Thắng",
    }
    # The district has an officer but no secretary or deputy: the form, and no name.
    assert reviews.default_signature(tree.district) == {
        "on_behalf": "T/M ĐẢNG ỦY",
        "signer_title": "BÍ THƯ",
        "signer_name": "",
    }


@needs_poppler
def test_the_collective_registration_is_signed_as_the_review_is(
    tree, people, programme_2026, tmp_path
):
    collective_registration(tree.cell, people.bob, approver=people.olga)
    _name, _type, content = render_registration_pdf(registration_of(unit=tree.cell, year=2026))
    text = flat(reading_text(save(content, tmp_path)))
    signature = reviews.default_signature(tree.cell)
    for line in signature.values():
        assert line in text
