// name: flow-sources
// title: Which documents support a flow
// description: The citations behind one flow (the flow itself, its legal basis, firewall and safeguards), with each document's title and grade of evidence.
// param: flow (string, required) A flow id.
// mode: read
MATCH (:Party)-[f:FLOW {id: $flow}]->(:Party)
UNWIND range(0, size(f.citation_ids) - 1) AS i
MATCH (c:Citation {id: f.citation_ids[i]})-[:CITES]->(s:Source)
RETURN f.citation_claims[i] AS claim, s.id AS source, s.title AS title, c.evidence_type AS evidence_type,
       c.confidence AS confidence, c.locator AS locator, c.quote AS quote
ORDER BY claim, source, locator, quote
