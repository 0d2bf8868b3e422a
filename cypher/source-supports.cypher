// name: source-supports
// title: Everything a source supports
// description: Every claim in the map that cites the source document — nodes, figures, scope changes, flows and other relationships — with the field it supports, the locator and the quote.
// param: source (string, required) A registered source id, e.g. rjn-stop-the-scan.
// mode: read
MATCH (:Source {id: $source})<-[:CITES]-(c:Citation)-[sup:SUPPORTS]->(n:DataflowsMap)
RETURN [l IN labels(n) WHERE NOT l IN ['DataflowsMap', 'Party']][0] AS kind, n.id AS about, sup.claim AS claim,
       c.locator AS locator, c.quote AS quote, c.evidence_type AS evidence_type, c.confidence AS confidence
UNION ALL
MATCH (:DataflowsMap)-[r]->(:DataflowsMap)
WHERE $source IN r.sources
UNWIND range(0, size(r.citation_ids) - 1) AS i
MATCH (c:Citation {id: r.citation_ids[i]})
WHERE c.source = $source
RETURN type(r) AS kind, coalesce(r.id, r.key) AS about, r.citation_claims[i] AS claim,
       c.locator AS locator, c.quote AS quote, c.evidence_type AS evidence_type, c.confidence AS confidence
