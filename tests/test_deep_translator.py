"""deep-translator for real over HTTP: the `libre` engine against a LibreTranslate-compatible
server on 127.0.0.1 — success, 429 then success, 500 until giving up, a hanging server, garbage
JSON, the cache, and an API key that never reaches a file, a log or a message."""

from __future__ import annotations

import re
import time

import pytest
from conftest import snakemake
from fake_libretranslate import FakeLibre

from pipeline.config import MachineTranslation
from pipeline.drafts.engines import DeepTranslatorEngine, EngineError
from pipeline.drafts.masks import protected_pattern
from pipeline.drafts.mtcache import Cache
from pipeline.drafts.prefill import Outcome, fill_from_machine
from pipeline.locales import SiteLocale
from pipeline.po.catalog import Catalog, Message

SECRET = "sk-test-0123456789abcdef"
EN, ES = SiteLocale.parse("en-GB"), SiteLocale.parse("es")


def engine(url: str, retries: int = 2, timeout: float = 1.0) -> DeepTranslatorEngine:
    return DeepTranslatorEngine(MachineTranslation(provider="libre", options={"custom_url": url},
                                                   api_key_env="LIBRE_TEST_KEY", timeout=timeout, retries=retries),
                                EN, ES)


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("LIBRE_TEST_KEY", SECRET)


def test_success_sends_the_key_from_the_environment():
    with FakeLibre(["ok"]) as server:
        assert engine(server.url).translate(["Take 10 mg"]) == ["[es] Take 10 mg"]
    assert server.requests[0]["api_key"] == SECRET and server.requests[0]["source"] == "en"


def test_429_is_retried_then_succeeds():
    with FakeLibre(["429", "ok"]) as server:
        assert engine(server.url).translate(["Rest"]) == ["[es] Rest"]
    assert len(server.requests) == 2


def test_500_is_retried_a_bounded_number_of_times_then_given_up():
    with FakeLibre(["500"]) as server:
        with pytest.raises(EngineError, match="after 3 attempts"):
            engine(server.url, retries=2).translate(["Rest"])
    assert len(server.requests) == 3


def test_a_hanging_server_is_bounded_by_the_timeout():
    with FakeLibre(["hang"], hang_seconds=3) as server:
        start = time.monotonic()
        with pytest.raises(EngineError, match="ReadTimeout"):
            engine(server.url, retries=1, timeout=0.5).translate(["Rest"])
        assert time.monotonic() - start < 2.5


def test_garbage_json_fails_cleanly_without_the_key():
    with FakeLibre(["garbage"]) as server:
        with pytest.raises(EngineError) as caught:
            engine(server.url).translate(["Rest"])
    assert SECRET not in str(caught.value)


def test_cache_prevents_a_second_call(tmp_path):
    catalogs = {"p": Catalog(messages=(Message("Rest for 24 hours"), Message("Headache")))}
    pattern = protected_pattern(["IV"])
    with FakeLibre(["ok"]) as server:
        for _ in range(2):
            cache = Cache(tmp_path / "mt.sqlite", "deep-translator", "libre", "en_GB", "es")
            filled = fill_from_machine(catalogs, engine(server.url), cache, pattern, Outcome())
            cache.close()
    assert len(server.requests) == 2  # two texts, translated once
    drafts = {m.msgid: m for m in filled["p"].messages}
    assert drafts["Rest for 24 hours"].msgstr == "[es] Rest for 24 hours" and drafts["Headache"].fuzzy


def use_libre(project, url: str, extra: str = "") -> None:
    config = project / "config" / "config.yaml"
    config.write_text(config.read_text().replace(
        "machine_translation: {provider: none}",
        f"machine_translation: {{provider: libre, options: {{custom_url: '{url}'}},"
        f" api_key_env: LIBRE_TEST_KEY{extra}}}\nlocales: [es]"))


def test_pipeline_with_libre_drafts_and_never_leaks_the_key(project, monkeypatch):
    with FakeLibre(["ok"]) as server:
        use_libre(project, server.url)
        result = snakemake(project, "all")
        calls = len(server.requests)
        again = snakemake(project, "all")
    po = (project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po").read_text("utf-8")
    assert "# machine translation: libre (deep-translator) en-es" in po
    assert po.count("#, fuzzy") >= 70 and calls > 0
    assert len(server.requests) == calls and "Nothing to be done" in again.stderr
    everything = result.stdout + result.stderr + po
    everything += "".join(p.read_text(errors="replace") for p in project.rglob("*") if p.is_file()
                          and p.suffix in (".log", ".json", ".po", ".pot", ".html", ".yaml"))
    assert SECRET not in everything
    assert not re.search(SECRET.encode(), b"".join(p.read_bytes() for p in project.rglob("*") if p.is_file()))


def test_a_failing_provider_leaves_entries_empty_with_one_warning(project):
    with FakeLibre(["500"]) as server:
        use_libre(project, server.url, ", retries: 1")
        result = snakemake(project, "all")
    text = result.stdout + result.stderr
    assert text.count("warning: machine translation for es failed") == 1
    po = (project / "locales" / "es" / "LC_MESSAGES" / "iv-ketamine-infusion.po").read_text("utf-8")
    assert "#, fuzzy" not in po.split("msgid", 2)[2]
