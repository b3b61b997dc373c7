"""Machine translation engines: Apertium (offline, Debian packages) and deep-translator (online).

An engine translates a batch of masked texts from the source locale into one target locale and
says where the drafts came from (``apertium eng-spa | es-fr``). Apertium runs once per batch (one
process per pair in the chain, never one per segment). Online engines run with a timeout on
every HTTP call (deep-translator sets none) and retry timeouts, 429 and 5xx with backoff.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from pipeline.config import MachineTranslation
from pipeline.drafts.providers import APERTIUM, DEEP_TRANSLATOR_ENGINES, NONE, provider_choices
from pipeline.errors import ConfigError
from pipeline.locales import SiteLocale

log = logging.getLogger("clinic_l10n")

# English -> target: the Apertium modes to chain (Spanish is the pivot for fr, pt, it).
APERTIUM_CHAINS = {
    "es": ("eng-spa",),
    "ca": ("eng-cat",),
    "gl": ("en-gl",),
    "fr": ("eng-spa", "es-fr"),
    "pt": ("eng-spa", "es-pt"),
    "pt_BR": ("eng-spa", "es-pt_BR"),
    "it": ("eng-spa", "spa-ita"),
}
APERTIUM_PACKAGES = {"eng-spa": "apertium-eng-spa", "eng-cat": "apertium-eng-cat", "en-gl": "apertium-en-gl",
                     "es-fr": "apertium-fr-es", "es-pt": "apertium-es-pt", "es-pt_BR": "apertium-es-pt",
                     "spa-ita": "apertium-spa-ita"}
RETRYABLE = ("ERR_TOO_MANY_REQUESTS", "ERR_INTERNAL_SERVER_ERROR", "ERR_SERVICE_NOT_AVAIBLE", "API server error")


class EngineError(Exception):
    """The engine could not translate this batch; its entries stay empty and the build goes on."""


class Engine(Protocol):
    @property
    def batch_size(self) -> int: ...  # texts per call; 0: the whole batch at once

    @property
    def provider(self) -> str: ...

    @property
    def engine(self) -> str: ...  # for the cache key: pair chain and versions, or the online engine

    @property
    def origin(self) -> str: ...  # for the translator comment

    @property
    def marks_unknown(self) -> bool: ...  # its answers mark unknown words with '*' (see `unmarked`)

    def translate(self, texts: list[str]) -> list[str]: ...


def engine_for(settings: MachineTranslation, source: SiteLocale, target: SiteLocale) -> Engine | None:
    """The engine for this locale, or None (with one warning) when none can serve it."""
    if settings.provider == NONE:
        return None
    if settings.provider == APERTIUM:
        return _apertium(source, target)
    return DeepTranslatorEngine(settings, source, target)


# ------------------------------------------------------------------------------------- Apertium


@cache
def apertium_modes() -> frozenset[str]:
    binary = shutil.which("apertium")
    if binary is None:
        return frozenset()
    result = subprocess.run([binary, "-l"], capture_output=True, text=True, check=False)
    return frozenset(line.strip() for line in result.stdout.splitlines() if line.strip())


def _apertium(source: SiteLocale, target: SiteLocale) -> Engine | None:
    chain = APERTIUM_CHAINS.get(target.gettext) or APERTIUM_CHAINS.get(target.babel.language)
    if source.babel.language != "en" or chain is None:
        log.warning("warning: no Apertium pair translates %s into %s: %s gets translation memory drafts only",
                    source.bcp47, target.bcp47, target.gettext)
        return None
    missing = [mode for mode in chain if mode not in apertium_modes()]
    if missing:
        packages = " ".join(sorted({"apertium", *(APERTIUM_PACKAGES[m] for m in missing)}))
        log.warning("warning: Apertium pair %s is not installed: %s gets translation memory drafts only"
                    " (install it with: sudo apt-get install %s)", " | ".join(missing), target.gettext, packages)
        return None
    return ApertiumEngine(chain)


@dataclass
class ApertiumEngine:
    chain: tuple[str, ...]
    provider: str = APERTIUM
    batch_size: int = 0

    @property
    def origin(self) -> str:
        return "apertium " + " | ".join(self.chain)

    @property
    def marks_unknown(self) -> bool:
        return len(self.chain) > 1

    @property
    def engine(self) -> str:
        versions = [_package_version(APERTIUM_PACKAGES[m]) for m in self.chain]
        marks = " | unknown marked" if self.marks_unknown else ""  # answers cached before marks: not reused
        return " | ".join(f"{m}={v}" for m, v in zip(self.chain, versions, strict=True)) + marks

    def translate(self, texts: list[str]) -> list[str]:
        """All texts through one pipeline of apertium processes, one <p> per text (HTML format).

        Through a pivot (English -> Spanish -> French), the last pair marks the words it did not know
        (``*infusión``): a Spanish word the pivot produced and the second pair could not translate,
        left in the French draft. `unmarked` takes the marks off and names those words."""
        if not texts:
            return []
        document = "".join(f"<p>{html.escape(t, quote=False)}</p>\n" for t in texts)
        last = len(self.chain) - 1
        command = " | ".join(f"apertium {'' if i == last and self.marks_unknown else '-u '}-f html {m}"
                             for i, m in enumerate(self.chain))
        result = subprocess.run(["bash", "-o", "pipefail", "-c", command], input=document.encode("utf-8"),
                                capture_output=True, check=False, timeout=3600)
        if result.returncode != 0:
            raise EngineError(f"apertium failed: {result.stderr.decode(errors='replace').strip()[:300]}")
        found = re.findall(r"<p>(.*?)</p>", result.stdout.decode("utf-8"), flags=re.S)
        if len(found) != len(texts):
            raise EngineError(f"apertium returned {len(found)} segments for {len(texts)}")
        return [_clean(html.unescape(t)) for t in found]


def _clean(text: str) -> str:
    # '#' marks a word Apertium could not generate; '@' one transfer could not handle.
    return re.sub(r"(?<!\w)[#@](?=\w)", "", " ".join(text.split()))


UNKNOWN = re.compile(r"(?<![\w*])\*(\w[\w'’-]*)")  # a word the last pair of a pivot chain did not know


def unmarked(text: str) -> tuple[str, tuple[str, ...]]:
    """An answer without Apertium's unknown-word marks, and the words that carried one (in order,
    once each). Answers of other engines carry no marks and come back as they are."""
    words = tuple(dict.fromkeys(UNKNOWN.findall(text)))
    return (UNKNOWN.sub(r"\1", text), words) if words else (text, ())


@cache
def _package_version(package: str) -> str:
    try:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True,
                                check=False)
    except OSError:
        return "unknown"
    return result.stdout.strip() or "unknown"


# -------------------------------------------------------------------------------- deep-translator


class DeepTranslatorEngine:
    provider = "deep-translator"
    batch_size = 10  # drafts are cached after each small batch, so a failure keeps what was done
    marks_unknown = False

    def __init__(self, settings: MachineTranslation, source: SiteLocale, target: SiteLocale) -> None:
        if settings.provider not in DEEP_TRANSLATOR_ENGINES:
            raise ConfigError(f"machine_translation.provider: unknown provider {settings.provider!r}"
                              f" (use one of: {provider_choices()})")
        self.settings = settings
        self.name = settings.provider
        self.source = source.babel.language
        self.target = target.babel.language if target.babel.territory != "BR" else "pt"
        self.engine = f"{self.name} {_options_label(settings.options)}"
        self.origin = f"{self.name} (deep-translator) {self.source}-{self.target}"
        self._secret = os.environ.get(settings.api_key_env or "", "") if settings.api_key_env else ""

    def _translator(self) -> Any:
        import deep_translator

        cls = getattr(deep_translator, DEEP_TRANSLATOR_ENGINES[self.name])
        kwargs: dict[str, Any] = {"source": self.source, "target": self.target, **self.settings.options}
        if self._secret:
            kwargs["api_key"] = self._secret
        return cls(**kwargs)

    def translate(self, texts: list[str]) -> list[str]:
        try:
            translator = self._translator()
        except Exception as exc:  # noqa: BLE001 - any construction failure disables the engine; reported below
            raise EngineError(self._redact(f"{self.name}: {type(exc).__name__}: {exc}")) from None
        results = []
        with bounded_http(self.settings.timeout):
            for text in texts:
                results.append(self._one(translator, text))
        return results

    def _one(self, translator: Any, text: str) -> str:
        import requests

        delay = 0.5
        for attempt in range(self.settings.retries + 1):
            try:
                result = translator.translate(text)
                if not isinstance(result, str) or not result.strip():
                    raise EngineError(f"{self.name}: empty translation")
                return result
            except (requests.Timeout, requests.ConnectionError) as exc:
                problem = f"{type(exc).__name__}"
                retry = True
            except ValueError as exc:  # includes an unparsable JSON answer
                raise EngineError(self._redact(f"{self.name}: unusable answer ({type(exc).__name__})")) from None
            except EngineError:
                raise
            except Exception as exc:  # noqa: BLE001 - deep-translator raises many unrelated types
                problem = f"{type(exc).__name__}: {exc}"
                retry = any(code in str(exc) for code in RETRYABLE)
            if not retry or attempt == self.settings.retries:
                raise EngineError(self._redact(f"{self.name}: {problem} (after {attempt + 1} attempts)"))
            time.sleep(delay)
            delay *= 2
        raise EngineError(f"{self.name}: gave up")

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def _options_label(options: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(options.items()) if "key" not in k.lower() and "secret" not in k)


@contextlib.contextmanager
def bounded_http(timeout: float) -> Iterator[None]:
    """Give every HTTP request made inside (by deep-translator) a timeout unless it set one."""
    import requests.sessions

    original = requests.sessions.Session.request

    def request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = timeout
        return original(self, method, url, **kwargs)

    requests.sessions.Session.request = request  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        requests.sessions.Session.request = original  # type: ignore[method-assign]
