// name: source-supports
// title: Everything a source supports
// description: Every claim in the map that cites the source document: what it is about, which field, the locator and the quote.
// param: source (string, required) A registered source id, e.g. rjn-stop-the-scan.
// mode: read
MATCH (s:Source {id: $source})<-[:CITES]-(c:Citation)
RETURN c.about_kind AS kind, c.about AS about, c.claim AS claim, c.locator AS locator, c.quote AS quote,
       c.evidence_type AS evidence_type, c.confidence AS confidence
ORDER BY kind, about, claim, locator, quote
