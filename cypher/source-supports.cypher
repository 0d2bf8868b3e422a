// name: source-supports
// title: Everything a source supports
// description: Every claim in the map that cites the source document — nodes, flows and other relationships — with the field it supports, the locator and the quote.
// param: source (string, required) A registered source id, e.g. rjn-stop-the-scan.
// mode: read
MATCH (:Source {id: $source})<-[:CITES]-(c:Citation)
RETURN c.about_kind AS kind, c.about AS about, c.claim AS claim, c.locator AS locator, c.quote AS quote,
       c.evidence_type AS evidence_type, c.confidence AS confidence
UNION ALL
MATCH ()-[r]->()
WHERE $source IN r.sources
UNWIND range(0, size(r.citation_sources) - 1) AS i
WITH r, i
WHERE r.citation_sources[i] = $source
RETURN CASE type(r) WHEN 'FLOW' THEN 'flow' ELSE 'edge' END AS kind, coalesce(r.id, r.key) AS about,
       r.citation_claims[i] AS claim, r.citation_locators[i] AS locator, r.citation_quotes[i] AS quote,
       r.citation_evidence_types[i] AS evidence_type, r.citation_confidences[i] AS confidence
