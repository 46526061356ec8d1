"""Verdicts without a grader: what can be judged mechanically, and nothing else.

Reference grounding: the cited page, then searches built from the citation (stopping at the
first page that is the cited work), then broader searches; the reference is grounded when one
real record matches every detail the citation gives (`references.compare`). Content is never
judged here (word overlap cannot tell a supported claim from an altered or negated one): it is
`not_assessed`, and a claim whose reference is grounded has no hallucination label. A claim whose
reference is not grounded is a hallucination by HalluHard's dependency rule, so heuristic rates
are lower bounds."""

from __future__ import annotations

import re

from trustbench.judges.groundedness.evidence_plan import (
    SEARCH_RESULTS,
    Bundle,
    TurnEvidence,
    broaden,
    default_queries,
    identity_terms,
    read_cited,
    relevance,
    run_search,
)
from trustbench.judges.groundedness.references import (
    CitedWork,
    Match,
    Record,
    cited_work,
    compare,
    record_of,
    record_of_result,
)
from trustbench.judges.groundedness.types import Claim, ClaimVerdict, GroundednessConfig

CANDIDATES_PER_QUERY = 3
"""Result pages read per query while looking for the cited work."""
_ABSTENTION = re.compile(
    r"\bI (?:cannot|can't|could not|couldn't|am unable to|was unable to|am not able to) "
    r"(?:verify|confirm|access|check|find)|\bI (?:do not|don't) have access\b"
    r"|\b(?:you should|please) (?:verify|double-check|check|consult)\b",
    re.I,
)


async def heuristic_judgement(
    turn: TurnEvidence, claim: Claim, config: GroundednessConfig
) -> ClaimVerdict:
    bundle = Bundle()
    base = ClaimVerdict(claim=claim, mode="heuristic", content_grounding="not_assessed")
    if _ABSTENTION.search(claim.text):
        return base.model_copy(
            update={
                "abstention": True,
                "reference_grounding": "n/a",
                "content_grounding": "n/a",
                "hallucinated": False,
                "explanation": "The claim is an abstention (the answer says it cannot verify "
                "or asks the reader to check).",
            }
        )
    work = cited_work(claim)
    if not work.identifying:
        return _decided(base, bundle, None, "the citation does not identify a work")
    lookup = _Lookup(turn, claim, work, bundle)
    await read_cited(turn, claim, bundle)
    if claim.cited_url and bundle.cited is None and not bundle.cited_gone and bundle.problems:
        # The cited link is part of the citation: one that cannot be read (not a URL at all,
        # refused, a network failure) leaves the reference unchecked, whatever a search finds.
        return _error(base, bundle, "the cited link could not be checked: " + bundle.problems[0])
    if bundle.cited is not None:
        lookup.cited_urls.add(bundle.cited.url)
        lookup.records.append(record_of(bundle.cited, lookup.cited_urls))
        bundle.documents.append(bundle.cited)
    found = _first_match(work, lookup.records, lookup.cited_urls)
    if found is None and not _cited_page_decides(work, bundle):
        for query in default_queries(claim, config.search_steps):
            await run_search(turn, bundle, query, SEARCH_RESULTS)
            if (found := await lookup.check()) is not None:
                break
        if found is None and config.fallback_search:
            before = len(bundle.queries)
            await broaden(turn, claim, bundle)
            found = await lookup.check(searches=len(bundle.queries) - before)
    if found is not None:
        return _decided(base, bundle, found, "")
    return _undecided(base, bundle, work, lookup.records, lookup.cited_urls)


def _cited_page_decides(work: CitedWork, bundle: Bundle) -> bool:
    """A plain link with nothing else to go on is checked at the link alone (an identifier such
    as a DOI, PMID, PMCID or ISBN may be shown by a record elsewhere, so it is searched for)."""
    identifiers = (work.doi, work.arxiv, work.pmid, work.pmcid, work.isbn)
    given = (work.title, work.authors, work.parties, work.code, *identifiers)
    only_link = work.url and not any(given)
    return bool(only_link and (bundle.cited is not None or bundle.cited_gone))


class _Lookup:
    """The records read so far for one claim, and the reading of new search results."""

    def __init__(self, turn: TurnEvidence, claim: Claim, work: CitedWork, bundle: Bundle) -> None:
        self.turn, self.claim, self.work, self.bundle = turn, claim, work, bundle
        self.records: list[Record] = []
        self.cited_urls = {u for u in (claim.cited_url,) if u}

    async def check(self, searches: int = 1) -> Match | None:
        """Reads the not yet read results most like the cited work (a few per search run since
        the last check), and returns the first record that matches the citation."""
        terms = identity_terms(self.claim)
        read = {u for r in self.records for u in r.aliases}
        fresh = [r for r in self.bundle.results if r.url not in read]
        fresh.sort(key=lambda r: -relevance(r, terms))
        for result in fresh[: CANDIDATES_PER_QUERY * searches]:
            page = await self.turn.page(result.url)
            self.bundle.note(page.problem, page.missing and not page.gone)
            if page.document is not None:
                self.records.append(record_of(page.document, {result.url}))
                self.bundle.documents.append(page.document)
        return _first_match(self.work, self.records, self.cited_urls)


def _first_match(work: CitedWork, records: list[Record], cited_urls: set[str]) -> Match | None:
    return next((m for m in (compare(work, r, cited_urls) for r in records) if m.ok), None)


def _decided(base: ClaimVerdict, bundle: Bundle, found: Match | None, why: str) -> ClaimVerdict:
    common = {
        "evidence_urls": bundle.evidence_urls,
        "route": bundle.route,
        "queries": bundle.queries,
        "fallbacks": bundle.fallbacks,
        "snippets_only": bundle.snippets_only,
    }
    if found is not None:
        return base.model_copy(
            update=common
            | {
                "reference_grounding": "yes",
                "hallucinated": None,
                "evidence_urls": [found.record.url],
                "explanation": f"Reference: {found.record.url} is the cited work (every detail "
                "given matches). Content: not assessed without a grader.",
            }
        )
    return base.model_copy(
        update=common
        | {
            "reference_grounding": "no",
            "hallucinated": True,
            "explanation": f"Reference: {why}. Content: not assessed (the claim is hallucinated "
            "either way: its reference is not grounded).",
        }
    )


def _undecided(
    base: ClaimVerdict,
    bundle: Bundle,
    work: CitedWork,
    records: list[Record],
    cited_urls: set[str],
) -> ClaimVerdict:
    """No record matched. Not grounded, unless a technical failure may have hidden the work:
    a replay without the stored evidence, searches that all failed, a result whose page could
    not be read but whose title and snippet agree with the citation."""
    if bundle.missing and not bundle.cited_gone and bundle.searches_ok == 0:
        reason = "the evidence store lacks evidence this claim needs: " + "; ".join(bundle.missing)
        return _error(base, bundle, reason)
    if bundle.searches_ok == 0 and bundle.cited is None and not bundle.cited_gone:
        return _error(base, bundle, "no search could run: " + "; ".join(bundle.problems))
    unread = {r.url for r in bundle.results} - {u for r in records for u in r.aliases}
    for result in bundle.results:
        seen = compare(work, record_of_result(result), cited_urls)
        confirmed = bool(work.title or work.parties) and not any(
            name.startswith(("title", "parties")) for name in seen.unconfirmed
        )
        if result.url in unread and confirmed and not seen.mismatches and bundle.problems:
            reason = (
                f"{result.url} may be the cited work (its title and snippet agree) but its page "
                f"could not be read to confirm {', '.join(seen.unconfirmed) or 'the details'}: "
                + "; ".join(bundle.problems)
            )
            return _error(base, bundle, reason)
    closest = sorted(
        (compare(work, r, cited_urls) for r in records), key=lambda m: len(m.mismatches)
    )
    if bundle.cited_gone:
        why = f"the cited link {work.url} does not exist"
    elif closest:
        m = closest[0]
        why = f"the closest page, {m.record.url}, does not match the {', '.join(m.mismatches)}"
    else:
        why = "no search found the cited work"
    return _decided(base, bundle, None, why)


def _error(base: ClaimVerdict, bundle: Bundle, reason: str) -> ClaimVerdict:
    return base.model_copy(
        update={
            "evidence_urls": bundle.evidence_urls,
            "route": bundle.route,
            "queries": bundle.queries,
            "fallbacks": bundle.fallbacks,
            "reference_grounding": "n/a",
            "content_grounding": "n/a",
            "hallucinated": False,
            "verification_error": reason,
            "explanation": reason,
        }
    )
