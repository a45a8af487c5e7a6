"""Search text: how an item is written down for search, and how a query is read.

Pure functions, no database: the same normalisation builds the stored search columns
(``Item.search_name``, ``search_text``, ``search_grams``) and reads every query, so a query
and a name meet in one form:

- NFKC, lower case, every space removed: "샤인 머스캣" and "샤인머스캣" are one word, and
  "신라면40" meets "신라면 40개입";
- ``search_text`` joins the segments a term may match (name, maker, each category level,
  then the name's initial consonants) with ``SEPARATOR``, which no normalised word contains,
  so a term never matches across two segments;
- ``search_grams`` is every 1- and 2-character gram of every segment, space-separated, and
  the name's grams once more tagged with ``NAME_TAG`` (``|사``): the GIN index on
  ``string_to_array(search_grams, ' ')`` finds the items holding all of a term's grams
  anywhere, or in the name alone, and ``LIKE`` on ``search_text`` (``search_name``) keeps
  those holding the term itself. The name's own grams let a search find the items named by a
  query without visiting every item found only through a category (``catalog.selectors``).
"""

import unicodedata
from collections.abc import Iterable

SEPARATOR = "|"
# Marks a gram of the name: no normalised text holds the separator, so a tagged gram never
# equals an untagged one.
NAME_TAG = SEPARATOR
_SPACES = str.maketrans("", "", " \t\r\n\f\v\u00a0\u3000" + SEPARATOR)

# Hangul syllables U+AC00..U+D7A3 are (initial × 21 + medial) × 28 + final.
_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3
_SYLLABLES_PER_INITIAL = 21 * 28
# The 19 initial consonants as compatibility jamo: what a keyboard types for "ㅎㅈㅈ".
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIAL_SET = frozenset(INITIALS)


# NFKC turns a typed compatibility jamo (ㅎ, U+314E) into a conjoining initial (U+1112);
# map the 19 initials back, so that a typed ㅎ stays the ㅎ that ``initials`` writes.
_CONJOINING_INITIALS = {0x1100 + i: initial for i, initial in enumerate(INITIALS)}


def normalize(text: str) -> str:
    """NFKC, lower case, no whitespace and no separator: the form names and queries meet in."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_SPACES)
    return folded.translate(_CONJOINING_INITIALS)


def initials(text: str) -> str:
    """Each Hangul syllable replaced by its initial consonant; other characters kept.

    ``initials("신라면40개입") == "ㅅㄹㅁ40ㄱㅇ"``.
    """
    out = []
    for char in text:
        code = ord(char)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            out.append(INITIALS[(code - _SYLLABLE_FIRST) // _SYLLABLES_PER_INITIAL])
        else:
            out.append(char)
    return "".join(out)


def is_initials_query(term: str) -> bool:
    """A term typed as initial consonants (``ㅎㅈㅈ``, ``ㅅㄹㅁ40``): at least one initial
    consonant and no complete syllable; it is matched against the names' initials only."""
    has_initial = False
    for char in term:
        if char in _INITIAL_SET:
            has_initial = True
        elif _SYLLABLE_FIRST <= ord(char) <= _SYLLABLE_LAST:
            return False
    return has_initial


def grams(text: str) -> set[str]:
    """Every 1- and 2-character gram of ``text`` (one normalised segment)."""
    found = set(text)
    found.update(text[i : i + 2] for i in range(len(text) - 1))
    return found


def term_grams(term: str) -> list[str]:
    """The grams an item must hold to contain ``term``: the character itself for one
    character, else its 2-grams (necessary, not sufficient: LIKE rechecks)."""
    if len(term) == 1:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


def name_term_grams(term: str) -> list[str]:
    """The grams an item's name must hold to contain ``term`` (``term_grams``, tagged)."""
    return [NAME_TAG + gram for gram in term_grams(term)]


def terms(query: str) -> list[str]:
    """The query's whitespace-separated terms, normalised, duplicates dropped, in order."""
    found = (normalize(word) for word in query.split())
    return list(dict.fromkeys(term for term in found if term))


def document(*, name: str, maker: str, categories: Iterable[str]) -> tuple[str, str, str]:
    """(search_name, search_text, search_grams) for one item."""
    search_name = normalize(name)
    segments = [search_name, normalize(maker), *(normalize(c) for c in categories)]
    segments.append(initials(search_name))
    all_grams = {NAME_TAG + gram for gram in grams(search_name)}
    for segment in segments:
        all_grams |= grams(segment)
    return search_name, SEPARATOR.join(segments), " ".join(sorted(all_grams))
