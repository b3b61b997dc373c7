"""Where a phone number, e-mail address or URL of the source points: one spelling of each link target,
for the pages' text (pages.linking) and the clinic's footer (furniture)."""

from __future__ import annotations

from pipeline.copydeck.model import Anchor


def link_target(anchor: Anchor, country: str) -> str | None:
    """The href of an anchor: tel: in E.164 (None when it is no valid number of `country`), mailto:, or the URL."""
    if anchor.kind == "mailto":
        return f"mailto:{anchor.text}"
    if anchor.kind == "url":
        return anchor.text if anchor.text.startswith(("http://", "https://")) else f"https://{anchor.text}"
    import phonenumbers  # only pages with a phone number pay for its import

    try:
        number = phonenumbers.parse(anchor.text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
