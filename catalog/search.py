"""The item search: which items a query finds, and in which order.

One query, read by ``catalog.text``: every whitespace-separated term must match (AND, any
order). A term matches an item when the item's ``search_text`` — its name, maker and category
levels with spaces removed, and its name's initial consonants — contains the term or one of
its synonyms (``catalog.synonyms``); a term of initial consonants (``ㅎㅈㅈ``) matches the
names' initials only, since no other segment holds initial consonants.

On PostgreSQL every alternative is asked of the GIN index on the item's grams first
(``string_to_array(search_grams, ' ') @> '{…}'``: the items holding all of the term's
2-grams), then rechecked with ``LIKE`` on ``search_text``; terms are ANDed, alternatives ORed,
so the planner combines bitmap index scans and never reads the table for a non-match
(``benchmarks/item_search.py`` prints the plans). SQLite (the embedded mode, a few hundred
items) checks ``search_text`` alone.

Ranking, best first: the name is the query (0), the name starts with it (1), the name holds
every term as typed (2), the name holds every term or a synonym of it (3), anything else —
found through the maker, a category or a synonym there (4). Ties go to the items with more
open parties near the caller when a location is given (``demand``), then by name.
"""

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, Expression, F, Func, Q, Value, When
from django.db.models.functions import Lower, Replace

from catalog.text import (
    SEPARATOR,
    is_initials_query,
    name_term_grams,
    normalize,
    term_grams,
    terms,
)

MAX_QUERY_LENGTH = 50
MAX_TERMS = 6
MAX_ALTERNATIVES = 12

RANK_EXACT, RANK_PREFIX, RANK_NAME, RANK_NAME_SYNONYM, RANK_ELSEWHERE = range(5)


class SearchGrams(Func):
    """``string_to_array(search_grams, ' ')``: the expression the GIN index is built on
    (catalog migration 0008); a query must spell it the same way to use the index."""

    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(models.TextField())


def alternatives(term: str, synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """The term and what it may also be written as, shortest first, without any alternative
    that contains a shorter one (it could only find what the shorter one finds).

    A term that is a synonym word brings its group; a term that contains a synonym word of
    two or more characters brings the term with that word replaced by each of the others
    (``두루마리휴지`` → ``두루마리화장지``).
    """
    found = [term]
    if term in synonyms:
        found.extend(synonyms[term])
    else:
        inner = [word for word in synonyms if len(word) >= 2 and word in term]
        if inner:
            word = max(inner, key=len)
            found.extend(term.replace(word, other) for other in synonyms[word])
    kept: list[str] = []
    for candidate in sorted(dict.fromkeys(found), key=lambda w: (len(w), w)):
        if not any(shorter in candidate for shorter in kept):
            kept.append(candidate)
    return kept[:MAX_ALTERNATIVES]


class Search:
    """A parsed query: its terms and their alternatives; builds the filter and the rank."""

    def __init__(self, query: str, synonyms: Mapping[str, Sequence[str]]) -> None:
        self.terms = terms(query[:MAX_QUERY_LENGTH])[:MAX_TERMS]
        self.whole = normalize(query[:MAX_QUERY_LENGTH])
        self.alternatives = {
            term: [term] if is_initials_query(term) else alternatives(term, synonyms)
            for term in self.terms
        }

    def __bool__(self) -> bool:
        return bool(self.terms)

    def condition(self, *, indexed: bool) -> Q:
        """Every term matches, through any of its alternatives.

        Per term: (grams hold a1's OR a2's …) AND (text holds a1 OR a2 …). The first part is
        what the GIN index answers; the second is exact, and implies the first. Written as
        one OR of (grams AND text) pairs, the recheck rebuilt the gram array once per
        alternative on every candidate row (키친타월, 8 alternatives: 82 ms for 2,297 rows;
        benchmarks/item_search.py, synonym class p99 130 → 40 ms).
        """
        per_term = []
        for alts in self.alternatives.values():
            if not indexed:
                per_term.append(reduce(or_, (Q(search_text__contains=alt) for alt in alts)))
                continue
            grams = reduce(or_, (Q(search_gram_array__contains=term_grams(alt)) for alt in alts))
            # Always rechecked with LIKE, even for one or two characters (where holding the
            # gram is holding the text): without it, a plan that reads the table (the
            # planner's choice for a capped count of a broad term, `물`) rebuilds the gram
            # array on every row (48 ms against 5).
            grams &= reduce(or_, (Q(search_text__contains=alt) for alt in alts))
            per_term.append(grams)
        return reduce(and_, per_term)

    def name_condition(self, *, indexed: bool) -> Q | None:
        """The items ranked above ``RANK_ELSEWHERE``: every term (or a synonym of it) is in
        the name. Indexed, each alternative is asked of the name's own grams first (tagged,
        ``catalog.text``), so the planner reads only the items named by the query. A term of
        initials is left out: it can only match the name's initials, so every match holds
        it. None when no term is left (a query of initials only names every match)."""
        per_term = []
        for term, alts in self.alternatives.items():
            if is_initials_query(term):
                continue
            in_name = reduce(or_, (Q(search_name__contains=alt) for alt in alts))
            if indexed:
                grams = (Q(search_gram_array__contains=name_term_grams(alt)) for alt in alts)
                in_name = reduce(or_, grams) & in_name
            per_term.append(in_name)
        return reduce(and_, per_term) if per_term else None

    def _in_name(self, term: str, written: str) -> Q:
        if is_initials_query(term):  # only the initials segment holds initial consonants
            return Q(search_text__contains=written)
        return Q(search_name__contains=written)

    def rank(self) -> Expression:
        if len(self.terms) == 1 and is_initials_query(self.terms[0]):
            # Every match holds the initials in its name's initials: the name tier at worst.
            term = self.terms[0]
            return Case(
                When(Q(search_text__endswith=SEPARATOR + term), then=Value(RANK_EXACT)),
                When(Q(search_text__contains=SEPARATOR + term), then=Value(RANK_PREFIX)),
                default=Value(RANK_NAME),
                output_field=models.IntegerField(),
            )
        exact = Q(search_name=self.whole)
        prefix = Q(search_name__startswith=self.whole)
        as_typed = reduce(and_, (self._in_name(term, term) for term in self.terms))
        whens = [
            When(exact, then=Value(RANK_EXACT)),
            When(prefix, then=Value(RANK_PREFIX)),
            When(as_typed, then=Value(RANK_NAME)),
        ]
        # The synonym tier only when some term has synonyms; for one term, without the term
        # itself (the tier above has it). Every row below the name tiers pays each LIKE here
        # (가공식품: 13 of ~70 ms).
        alternatives = dict(self.alternatives)
        if len(alternatives) == 1:
            alternatives = {t: [a for a in alts if a != t] for t, alts in alternatives.items()}
            has_synonyms = all(alternatives.values())
        else:
            has_synonyms = any(alts != [term] for term, alts in alternatives.items())
        if has_synonyms:
            with_synonyms = reduce(
                and_,
                (
                    reduce(or_, (self._in_name(term, alt) for alt in alts))
                    for term, alts in alternatives.items()
                ),
            )
            whens.append(When(with_synonyms, then=Value(RANK_NAME_SYNONYM)))
        return Case(*whens, default=Value(RANK_ELSEWHERE), output_field=models.IntegerField())

    def leaf_condition(self) -> Q | None:
        """On categories annotated with ``search_leaf`` (``leaf_category``): every term (or a
        synonym) is in the category's own name. None for a query of initials only."""
        per_term = [
            reduce(or_, (Q(search_leaf__contains=alt) for alt in alts))
            for term, alts in self.alternatives.items()
            if not is_initials_query(term)
        ]
        return reduce(and_, per_term) if per_term else None


def leaf_category() -> Replace:
    """A category's name in the search form (no spaces, lower case)."""
    return Replace(Lower("name"), Value(" "), Value(""))


def search_gram_array() -> SearchGrams:
    return SearchGrams(F("search_grams"))
