"""Clinic furniture from the configuration: logo, favicon, social image, contact details, the publisher.

The files are copied into the web root under fixed names (a configured file keeps its suffix); without
configuration the shipped defaults in pipeline/site/assets/ serve.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.config import Settings

SHIPPED = Path(__file__).resolve().parent / "assets"
FAVICON = "favicon.ico"  # at the root, where browsers look for it unasked


def _name(stem: str, configured: str, default: str) -> str:
    return f"assets/{stem}{PurePosixPath(configured).suffix.lower() if configured else PurePosixPath(default).suffix}"


def logo_path(settings: Settings) -> str:
    return _name("logo", settings.clinic.logo, "logo.svg")


def image_path(settings: Settings) -> str:
    return _name("social", settings.clinic.social_image.file, "social.png")


def files(settings: Settings, root: Path) -> dict[str, Path]:
    """Site-relative name -> the file to copy there (from the project `root`, or shipped)."""
    clinic = settings.clinic
    return {
        FAVICON: root / clinic.favicon if clinic.favicon else SHIPPED / "favicon.ico",
        logo_path(settings): root / clinic.logo if clinic.logo else SHIPPED / "logo.svg",
        image_path(settings): root / clinic.social_image.file if clinic.social_image.file else SHIPPED / "social.png",
    }


def furniture(settings: Settings) -> dict[str, Any]:
    """What the templates show of the clinic (footer, header logo, og:image)."""
    from pipeline.copydeck.model import Anchor
    from pipeline.site.links import link_target

    clinic = settings.clinic
    phone_href = link_target(Anchor(0, "tel", clinic.phone), settings.country) if clinic.phone else None
    image = clinic.social_image
    return {
        "name": clinic.name, "address": clinic.address_lines, "phone": clinic.phone, "phone_href": phone_href,
        "email": clinic.email, "booking": clinic.booking_url, "logo": logo_path(settings),
        "image": {"url": f"{settings.base_url}/{image_path(settings)}", "width": image.width,
                  "height": image.height, "alt": image.alt},
    }


def publisher(settings: Settings) -> dict[str, Any]:
    """The clinic as schema.org `MedicalClinic`: the publisher of every page."""
    clinic = settings.clinic
    node: dict[str, Any] = {"@type": "MedicalClinic", "@id": f"{settings.base_url}/#clinic", "name": clinic.name,
                            "url": f"{settings.base_url}/",
                            "logo": f"{settings.base_url}/{logo_path(settings)}",
                            "image": f"{settings.base_url}/{image_path(settings)}"}
    if clinic.address_lines:
        node["address"] = ", ".join(clinic.address_lines)
    if clinic.phone:
        node["telephone"] = clinic.phone
    if clinic.email:
        node["email"] = clinic.email
    if clinic.booking_url:
        node["potentialAction"] = {"@type": "ReserveAction", "target": clinic.booking_url}
    return node
