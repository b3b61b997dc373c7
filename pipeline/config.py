"""Read and validate config/config.yaml into a typed `Settings` (JSON schema + Babel checks).

Every key has a default, so an empty file is a valid configuration.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pipeline import fsio
from pipeline.drafts.providers import APERTIUM, known_provider, provider_choices
from pipeline.errors import ConfigError, PipelineError
from pipeline.locales import SiteLocale, use_facts

DEFAULT_LOCALES = ("es", "fr", "de", "it", "pt_BR", "pl", "ar")
DEFAULT_DO_NOT_TRANSLATE = ("IV", "CBT", "ACT", "ECG", "GP", "NHS")


@dataclass(frozen=True)
class MachineTranslation:
    provider: str = APERTIUM
    options: dict[str, Any] = field(default_factory=dict)
    api_key_env: str | None = None
    timeout: float = 30.0
    retries: int = 3
    cache: str = ".cache/mt-cache.sqlite"


@dataclass(frozen=True)
class SocialImage:
    """og:image and twitter:image: a file of the project (or the shipped default) and what it shows."""

    file: str = ""  # relative to the project root; "" = the shipped default (pipeline/site/assets/social.png)
    width: int = 1200
    height: int = 630
    alt: str = ""  # "" = the clinic's name


@dataclass(frozen=True)
class Clinic:
    """The clinic behind the site (config key `clinic`): footer, contact links, MedicalClinic JSON-LD."""

    name: str = ""  # "" = site_name
    address: str = ""
    phone: str = ""
    email: str = ""
    booking_url: str = ""
    logo: str = ""  # a file of the project; "" = the shipped mark
    favicon: str = ""  # a .ico file of the project; "" = the shipped icon
    social_image: SocialImage = field(default_factory=SocialImage)

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.address.splitlines() if line.strip())


@dataclass(frozen=True)
class Settings:
    base_url: str = "https://clinic.example"
    site_name: str = "Clinic"
    country: str = "GB"  # the site's country (ISO 3166-1 alpha-2): the region of phone numbers without +code
    source_locale: SiteLocale = field(default_factory=lambda: SiteLocale.parse("en-GB"))
    locales: tuple[SiteLocale, ...] = ()
    render_shards: int = 2
    update_jobs: int = 2
    do_not_translate: tuple[str, ...] = DEFAULT_DO_NOT_TRANSLATE
    tm_min_similarity: float = 0.85
    max_unchanged_machine_share: float = 0.5  # above it, a version needs a clinical sign-off (postedit.py)
    machine_translation: MachineTranslation = field(default_factory=MachineTranslation)
    clinic: Clinic = field(default_factory=Clinic)
    digest: str = ""  # names the configuration as validated (see checked_settings): stamps key on it

    def locale(self, code: str) -> SiteLocale:
        for loc in self.locales:
            if code in (loc.gettext, loc.bcp47):
                return loc
        raise ConfigError(f"locale {code!r} is not configured")

    def locale_groups(self) -> list[tuple[SiteLocale, ...]]:
        """Locales split over `update_jobs` jobs (round robin, in configuration order)."""
        count = max(1, min(self.update_jobs, len(self.locales)))
        return [self.locales[i::count] for i in range(count)] if self.locales else []

    @property
    def all_locales(self) -> tuple[SiteLocale, ...]:
        return (self.source_locale, *self.locales)


SCHEMA = Path(__file__).parent / "schema" / "config.schema.json"
CHECKED_ENV = "CLINIC_L10N_CONFIG"  # {"digest": …, "data": …}: the configuration the Snakefile validated (merged)


@cache
def _schema_text() -> str:
    return SCHEMA.read_text("utf-8")


def load_settings(path: Path, record: Path | None = None, facts: Path | None = None) -> Settings:
    """The configuration of this run: the one the Snakefile validated and handed down (Snakemake's
    `config`, with --configfile and --config applied), else `path` (a missing file means all defaults);
    raise ConfigError naming file and line.

    The JSON-schema validation (0.1 s with jsonschema's import) is skipped when this exact
    configuration was validated against this schema before: by an earlier run that left its digest in
    `record`, or by the Snakefile of this run (so no job imports a YAML parser either). `facts` keeps
    the locales' CLDR facts between processes (see locales.use_facts).
    """
    handed = _handed_down()
    if handed is not None:
        settings = settings_from_dict(handed["data"], path, validate=False, digest=handed["digest"])
    else:
        settings = checked_settings(read_config(path), path, record)
    if facts is not None:
        use_facts(facts, settings.all_locales)
    return settings


def read_config(path: Path) -> dict[str, Any]:
    """The mapping `path` holds (a missing file: none), read without YAML aliases; ConfigError names the
    file and line of a problem."""
    return _parse(_text(path), path)


def _text(path: Path) -> str:
    try:
        data = fsio.read_bytes(path)  # never blocks: a FIFO there is refused
        return data.decode("utf-8") if data is not None else ""
    except PipelineError as err:
        raise ConfigError(f"cannot read configuration: {err.message}", path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read configuration: {exc}", path) from None


def checked_settings(data: Mapping[str, Any], where: Path | str, record: Path | None = None,
                     hand_down: bool = False) -> Settings:
    """Validate `data` (a whole configuration: Snakemake's merged `config`, or one file's mapping) with
    the schema and Babel, naming `where` in messages. `hand_down` passes the result to this process's
    children (the jobs) in the environment, with its digest, so they neither parse nor validate it."""
    plain, digest = _canonical(data, where)
    checked = record is not None and digest == recorded_digest(record)
    settings = settings_from_dict(plain, where, validate=not checked, digest=digest)
    if hand_down:
        os.environ[CHECKED_ENV] = json.dumps({"digest": digest, "data": plain}, ensure_ascii=False)
    return settings


def record_checked(record: Path, settings: Settings) -> None:
    """Remember that the configuration of `settings` passed validation (a later run skips it)."""
    if settings.digest and settings.digest != recorded_digest(record):
        with contextlib.suppress(PipelineError):  # only a cache: an unwritable output/ is reported elsewhere
            fsio.write_text(record, settings.digest + "\n")


def config_source(files: list[Any], overrides: Mapping[str, Any] | None) -> str:
    """How messages name the configuration Snakemake merged: its files (the last one wins), and --config."""
    names = [Path(f).as_posix() for f in dict.fromkeys(str(f) for f in files)] or ["config/config.yaml"]
    return " + ".join([*names, *(["--config"] if overrides else [])])


def current_digest(path: Path) -> str:
    """The digest of this run's configuration (what stamps key on), without validating it: the one
    handed down, else that of `path`'s mapping."""
    handed = _handed_down()
    return handed["digest"] if handed is not None else _digest_of(_text(path), str(path))


@lru_cache(maxsize=8)  # `serve` asks at every job of every save; parsing the YAML again costs ~3 ms
def _digest_of(text: str, where: str) -> str:
    return _canonical(_parse(text, Path(where)), where)[1]


def _canonical(data: Mapping[str, Any], where: Path | str) -> tuple[dict[str, Any], str]:
    """`data` as plain JSON values, and the digest naming it as validated by this schema (a new schema
    validates again): the same for the same settings, however they were spelled or merged."""
    try:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=True)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"a value is not plain data ({exc})", where) from None
    return json.loads(text), config_digest(text)


def _parse(text: str, path: Path) -> dict[str, Any]:
    import yaml

    class NoAliases(yaml.SafeLoader):
        """YAML without anchors' aliases: a few lines of `*a` can expand to gigabytes (a "billion
        laughs" file), and a settings file has no use for them."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                # types-PyYAML leaves Parser.peek_event unannotated
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
            return super().compose_node(parent, index)

    try:
        data = yaml.load(text, Loader=NoAliases) if text.strip() else {}  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"invalid YAML: {exc.problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot read configuration: {exc}", path) from None
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping of keys to values", path)
    return data


def _handed_down() -> dict[str, Any] | None:
    """{"digest", "data"}: the configuration the Snakefile of this run validated, if any."""
    try:
        handed = json.loads(os.environ.get(CHECKED_ENV, "{}"))
    except ValueError:
        return None
    ok = isinstance(handed, dict) and isinstance(handed.get("data"), dict) and isinstance(handed.get("digest"), str)
    return handed if ok else None


def config_digest(text: str) -> str:
    """Names a configuration as validated by this schema (a new schema validates again)."""
    return hashlib.sha256(f"{_schema_text()}\0{text}".encode()).hexdigest()


def recorded_digest(record: Path | None) -> str | None:
    try:
        data = fsio.read_own(record) if record is not None else None
        return data.decode("utf-8").strip() if data is not None else None
    except UnicodeDecodeError:
        return None


def settings_from_dict(data: Mapping[str, Any], path: Path | str = "config/config.yaml",
                       validate: bool = True, digest: str = "") -> Settings:
    if validate:
        _validate(data, path)
    source = SiteLocale.parse(data.get("source_locale", "en-GB"))
    locales = _target_locales(data.get("locales", list(DEFAULT_LOCALES)), source, path)
    mt = data.get("machine_translation", {})
    _check_provider(mt.get("provider", APERTIUM), path)
    base_url = str(data.get("base_url", Settings.base_url))
    if any(c.isspace() or not c.isprintable() for c in base_url):  # the schema's `$` lets a final newline through
        raise ConfigError(f"base_url: {base_url!r} holds white space or a control character", path)
    site_name = data.get("site_name", Settings.site_name)
    return Settings(
        base_url=base_url.rstrip("/"),
        site_name=site_name,
        country=data.get("country", Settings.country),
        source_locale=source,
        locales=locales,
        render_shards=int(data.get("render_shards", Settings.render_shards)),
        update_jobs=int(data.get("update_jobs", Settings.update_jobs)),
        do_not_translate=tuple(data.get("do_not_translate", DEFAULT_DO_NOT_TRANSLATE)),
        tm_min_similarity=float(data.get("translation_memory", {}).get("min_similarity", 0.85)),
        machine_translation=MachineTranslation(**mt),
        max_unchanged_machine_share=float(data.get("review", {}).get("max_unchanged_machine_share", 0.5)),
        clinic=_clinic(data.get("clinic", {}), site_name),
        digest=digest,
    )


def _clinic(data: Mapping[str, Any], site_name: str) -> Clinic:
    image = data.get("social_image")
    fields = {k: v for k, v in data.items() if k != "social_image"}
    name = fields.pop("name", site_name)
    social = SocialImage(**image) if image else SocialImage()
    return Clinic(name=name, social_image=replace(social, alt=social.alt or name), **fields)


def _validate(data: Mapping[str, Any], path: Path | str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(_schema_text()))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "top level"
        raise ConfigError(f"{where}: {err.message}", path)


def _target_locales(codes: list[str], source: SiteLocale, path: Path | str) -> tuple[SiteLocale, ...]:
    seen: dict[str, str] = {}
    result = []
    for code in codes:
        try:
            loc = SiteLocale.parse(code)
        except ConfigError as exc:
            raise ConfigError(f"locales: {exc.message}", path) from None
        if loc.gettext in seen:
            raise ConfigError(f"locales: {code!r} is listed twice (as {seen[loc.gettext]!r})", path)
        if loc.gettext == source.gettext:
            raise ConfigError(f"locales: {code!r} is the source locale", path)
        seen[loc.gettext] = code
        result.append(loc)
    return tuple(result)


def _check_provider(name: str, path: Path | str) -> None:
    if not known_provider(name):
        raise ConfigError(f"machine_translation.provider: unknown provider {name!r} (use one of: {provider_choices()})",
                          path)
