"""A generated PO corpus: benchmarks/po_corpus.py measures it on a machine without the real one (CI).

Like the real corpus: a few projects' templates (short labels, sentences, paragraphs, some with
newlines, quotes, backslashes and format directives; contexts, plurals, references, extracted
comments) and their catalogs in locales of many scripts (accented Latin, Vietnamese, Greek,
Cyrillic, Arabic, Hebrew, Devanagari, Thai, Chinese, Japanese, Korean): mostly translated, some
fuzzy with the text they were translated from, some untranslated, obsolete entries at the end.
Merge pairs are a catalog of a template and the next version of that template (edited, removed
and new messages). Everything is drawn from a seeded generator: the same files on every machine.
"""

from __future__ import annotations

import random
from dataclasses import replace

from pipeline.po.catalog import Catalog, Message
from pipeline.po.pofile import write_po

ENGLISH = ("the of and to a in is you that it for on are with as your this be at or have from an by not "
           "we can all will more if file files open save settings user account password page pages new "
           "error cannot could failed remove delete change changes update version language search results "
           "document documents section index table warning message messages server connection network "
           "value values name names default option options select selected display window preview theme "
           "build project module function argument arguments repository branch commit merge patch").split()
# (letters, word separator, sentence end, plural forms)
SCRIPTS = {
    "fr": ("abcdefghijlmnopqrstuvéèêàçôûœ", " ", ".", 2),
    "de": ("abcdefghiklmnoprstuwzäöüß", " ", ".", 2),
    "pl": ("abcdeghijklmnoprstuwyząćęłńóśźż", " ", ".", 3),
    "vi": ("abcdeghiklmnopqrstuvxyạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ", " ", ".", 1),
    "el": ("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ", " ", ".", 2),
    "ru": ("абвгдежзийклмнопрстуфхцчшщъыьэюя", " ", ".", 3),
    "ar": ("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", " ", "،", 6),
    "he": ("אבגדהוזחטיכלמנסעפצקרשת", " ", ".", 2),
    "hi": ("कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह", " ", "।", 2),
    "th": ("กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮ", "", "", 1),
    "zh": ("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年", "", "。", 1),
    "ja": ("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ日本語文書", "", "。", 1),
    "ko": ("가나다라마바사아자차카타파하는을를이가에서고", " ", ".", 1),
}
PLURALS = {1: "nplurals=1; plural=0;", 2: "nplurals=2; plural=(n != 1);",
           3: "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
           6: "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"}
DIRECTIVES = {"c-format": ["%s", "%d", "%1$s", "%.*s", "%lu"], "python-format": ["%(name)s", "%(count)d", "%s"],
              "python-brace-format": ["{0}", "{name}", "{count}", "{0.title!r}"]}


def _english(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(ENGLISH) for _ in range(words))
    return text[:1].upper() + text[1:]


def _source(rng: random.Random, number: int) -> tuple[str, tuple[str, ...]]:
    """A msgid: a label, a sentence or a paragraph, perhaps with newlines, quotes or format directives."""
    kind = rng.random()
    words = rng.randint(1, 4) if kind < 0.35 else rng.randint(6, 22) if kind < 0.85 else rng.randint(30, 120)
    text = _english(rng, words) + ("" if words < 5 else ".")
    flags: tuple[str, ...] = ()
    if rng.random() < 0.25:
        flag = rng.choice(list(DIRECTIVES))
        flags = (flag,)
        cut = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            cut.insert(rng.randrange(len(cut) + 1), rng.choice(DIRECTIVES[flag]))
        text = " ".join(cut)
    if rng.random() < 0.08:
        text = text.replace(" ", "\n", 1) + "\n"
    if rng.random() < 0.05:
        text = f'Press "{_english(rng, 2)}" to use C:\\{rng.choice(ENGLISH)}'
    return f"{text} {number}" if rng.random() < 0.5 else text, flags


def template(seed: int, size: int) -> Catalog:
    rng = random.Random(seed)
    messages, seen = [], set()
    for number in range(size):
        msgid, flags = _source(rng, number)
        context = rng.choice(["menu", "button", "noun"]) if rng.random() < 0.08 else None
        if (context, msgid) in seen:
            continue
        seen.add((context, msgid))
        plural = msgid.replace(" ", " several ", 1) if rng.random() < 0.06 and " " in msgid else None
        refs = tuple(f"src/{rng.choice(ENGLISH)}/{rng.choice(ENGLISH)}.py:{rng.randint(1, 2000)}"
                     for _ in range(rng.choice([1, 1, 1, 2, 3, 7])))
        notes = (f"Translators: {_english(rng, rng.randint(3, 12))}",) if rng.random() < 0.1 else ()
        messages.append(Message(msgid, msgctxt=context, msgid_plural=plural, msgstr_plural=("", "") if plural else (),
                                flags=flags, references=refs, extracted_comments=notes))
    return Catalog(header=(("Project-Id-Version", f"synthetic {seed}"), ("PO-Revision-Date", "2026-01-01 00:00+0000"),
                           ("Last-Translator", "Nobody <nobody@example.org>"), ("Language-Team", "None"),
                           ("MIME-Version", "1.0"),
                           ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit")),
                   messages=tuple(messages))


def _translate(rng: random.Random, locale: str, msgid: str) -> str:
    """A text of about the msgid's length in the locale's script, keeping its directives and newlines."""
    letters, space, end, _ = SCRIPTS[locale]
    pieces = []
    for line in msgid.split("\n"):
        words = []
        for word in line.split(" "):
            if word[:1] in "%{" or word.isdigit():
                words.append(word)
            elif word:
                words.append("".join(rng.choice(letters) for _ in range(max(1, len(word) - rng.randint(0, 2)))))
        pieces.append(space.join(words) + (end if len(words) > 4 else ""))
    return "\n".join(pieces)


def catalog(base: Catalog, locale: str, seed: int) -> Catalog:
    rng = random.Random(f"{seed}-{locale}")
    forms = SCRIPTS[locale][3]
    messages = []
    for m in base.messages:
        state = rng.random()
        if state < 0.1:  # untranslated
            messages.append(replace(m, msgstr_plural=("",) * forms if m.msgid_plural else ()))
            continue
        if m.msgid_plural is not None:
            m = replace(m, msgstr_plural=tuple(_translate(rng, locale, m.msgid_plural) for _ in range(forms)))
        else:
            m = replace(m, msgstr=_translate(rng, locale, m.msgid))
        if state < 0.2:
            m = replace(m, flags=("fuzzy", *m.flags), previous_msgid=m.msgid.replace("the", "a", 1))
        messages.append(m)
    obsolete = [Message(_english(rng, rng.randint(2, 12)), _translate(rng, locale, "old text here"), obsolete=True)
                for _ in range(rng.randint(0, 12))]
    header = base.header + (("Language", locale), ("Plural-Forms", PLURALS[forms]))
    return Catalog(header=header, messages=tuple(messages + obsolete))


def next_version(base: Catalog, seed: int) -> Catalog:
    """The template of the next release: some msgids edited, some gone, some new."""
    rng = random.Random(f"next-{seed}")
    messages = []
    for m in base.messages:
        roll = rng.random()
        if roll < 0.05:
            continue
        if roll < 0.15:
            words = m.msgid.split(" ")
            words.insert(rng.randrange(len(words) + 1), rng.choice(ENGLISH))
            m = replace(m, msgid=" ".join(words))
        messages.append(m)
    extra = template(seed + 1000, len(base.messages) // 10).messages
    known = {m.key for m in messages}
    return replace(base, messages=tuple(messages) + tuple(m for m in extra if m.key not in known))


Pair = tuple[str, bytes, bytes]


def corpus(projects: int = 6, locales: tuple[str, ...] = tuple(SCRIPTS)) -> tuple[dict[str, bytes], list[Pair]]:
    """Files (name -> PO bytes: each project's template and catalogs) and merge pairs (name, old, new)."""
    files: dict[str, bytes] = {}
    pairs: list[Pair] = []
    for project in range(projects):
        base = template(project, 200 + 300 * project)
        files[f"synthetic/{project}/messages.pot"] = write_po(base).encode()
        new = write_po(next_version(base, project)).encode()
        for locale in locales:
            data = write_po(catalog(base, locale, project)).encode()
            files[f"synthetic/{project}/{locale}.po"] = data
            pairs.append((f"synthetic/{project}/{locale}", data, new))
    return files, pairs
