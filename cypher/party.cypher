// name: party
// title: Everything about one party
// description: An agency or system, one row per fact: the flows it sends and receives, who operates it or what it operates, the data it holds, what it influences and affects, and every citation about it.
// param: id (string, required) The party's id, e.g. biometric-services-gateway.
// mode: read
MATCH (p:Party {id: $id})-[f:FLOW]->(o:Party)
RETURN 'sends to' AS relation, o.id AS other, o.name AS other_name, f.id AS detail, f.categories AS data, f.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})<-[f:FLOW]-(o:Party)
RETURN 'receives from' AS relation, o.id AS other, o.name AS other_name, f.id AS detail, f.categories AS data, f.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})<-[r:OPERATES]-(o:Agency)
RETURN 'operated by' AS relation, o.id AS other, o.name AS other_name, r.role AS detail, [] AS data, r.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})-[r:OPERATES]->(o:System)
RETURN 'operates' AS relation, o.id AS other, o.name AS other_name, r.role AS detail, [] AS data, r.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})-[r:HOLDS]->(c:DataCategory)
RETURN 'holds' AS relation, c.id AS other, c.name AS other_name, r.purpose AS detail, [c.id] AS data, r.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})-[r:INFLUENCES]->(o:Outcome)
RETURN 'influences' AS relation, o.id AS other, o.name AS other_name, coalesce(r.via, '') AS detail, [] AS data, r.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})-[r:AFFECTS]->(g:Group)
RETURN 'affects' AS relation, g.id AS other, g.name AS other_name, r.how AS detail, [] AS data, r.sources AS sources
UNION ALL
MATCH (p:Party {id: $id})<-[sup:SUPPORTS]-(c:Citation)-[:CITES]->(s:Source)
RETURN 'cited by' AS relation, s.id AS other, s.title AS other_name, sup.claim + ' @ ' + c.locator + ': ' + c.quote AS detail, [] AS data, [s.id] AS sources
