// name: flow-sources
// title: Which documents support a flow
// description: The citations behind one flow (the flow itself, its legal basis, firewall and safeguards), with each document's title and grade of evidence.
// param: flow (string, required) A flow id.
// mode: read
MATCH (c:Citation {about: $flow, about_kind: 'flow'})-[:CITES]->(s:Source)
RETURN c.claim AS claim, s.id AS source, s.title AS title, c.evidence_type AS evidence_type,
       c.confidence AS confidence, c.locator AS locator, c.quote AS quote
ORDER BY claim, source, locator, quote
