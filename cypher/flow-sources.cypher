// name: flow-sources
// title: Which documents support a flow
// description: The citations behind one flow (the flow itself, its legal basis, firewall and safeguards), with each document's title and grade of evidence.
// param: flow (string, required) A flow id.
// mode: read
MATCH ()-[f:FLOW {id: $flow}]->()
UNWIND range(0, size(f.citation_sources) - 1) AS i
MATCH (s:Source {id: f.citation_sources[i]})
RETURN f.citation_claims[i] AS claim, s.id AS source, s.title AS title,
       f.citation_evidence_types[i] AS evidence_type, f.citation_confidences[i] AS confidence,
       f.citation_locators[i] AS locator, f.citation_quotes[i] AS quote
ORDER BY claim, source, locator, quote
