// name: flows-by-category
// title: Flows carrying a data category
// description: Every flow that carries the data category or any narrower one (fingerprint is narrower than biometric), with sender, recipient, purpose, firewall and sources.
// param: category (string, required) A data category id, e.g. biometric.
// mode: read
MATCH (top:DataCategory {id: $category})
MATCH (c:DataCategory)-[:BROADER*0..]->(top)
WITH collect(DISTINCT c.id) AS wanted
MATCH (a:Party)-[f:FLOW]->(b:Party)
WHERE any(x IN f.categories WHERE x IN wanted)
RETURN f.id AS flow, a.id AS sender, b.id AS recipient, f.categories AS categories, f.purpose AS purpose,
       f.firewall AS firewall, f.status AS status, f.sources AS sources
ORDER BY flow
