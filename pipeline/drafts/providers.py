"""The names of the machine translation providers, spelled once.

`config` validates ``machine_translation.provider`` against them and `engines` builds an engine from
them; both import this small module (and not each other).
"""

from __future__ import annotations

APERTIUM = "apertium"  # offline, Debian packages
NONE = "none"  # no machine translation: empty entries stay empty (translation memory still drafts)
# deep-translator's online engines: provider name -> class name in deep_translator.
DEEP_TRANSLATOR_ENGINES = {
    "google": "GoogleTranslator", "deepl": "DeeplTranslator", "microsoft": "MicrosoftTranslator",
    "mymemory": "MyMemoryTranslator", "libre": "LibreTranslator", "chatgpt": "ChatGptTranslator",
    "yandex": "YandexTranslator", "papago": "PapagoTranslator", "qcri": "QcriTranslator",
    "baidu": "BaiduTranslator", "pons": "PonsTranslator", "linguee": "LingueeTranslator",
}


def known_provider(name: str) -> bool:
    return name in (APERTIUM, NONE) or name in DEEP_TRANSLATOR_ENGINES


def provider_choices() -> str:
    """For messages: ``apertium, none, baidu, chatgpt, …``."""
    return ", ".join([APERTIUM, NONE, *sorted(DEEP_TRANSLATOR_ENGINES)])
