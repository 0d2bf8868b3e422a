// name: party-matrix
// title: Sender × recipient matrix
// description: The flows that pass all the filters given, grouped by (sender, recipient): how many flows, the union of their data categories and their flow ids, sorted by sender id then recipient id. The same answer as 'dataflows matrix' (dataflows.analyses.sharing.matrix).
// param: party (string) Only flows sent or received by this agency or system id.
// param: category (string) Only flows carrying this data category or a narrower one.
// param: jurisdiction (string) Only flows in this jurisdiction or one inside it.
// param: sector (string) Only flows whose sender or recipient is in this sector (an agency's own; a system's, from the agencies that operate, own or use it).
// param: as_of (date) Only what was in force that day (flows, operator relations, systems).
// mode: read

// The categories and jurisdictions a filter admits: the one named and everything under it.
WITH CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted_categories,
     CASE WHEN $jurisdiction IS NULL THEN null ELSE COLLECT {
       MATCH (j:Jurisdiction)((:Jurisdiction)-[:WITHIN]->(:Jurisdiction))*(:Jurisdiction {id: $jurisdiction})
       RETURN j.id } END AS wanted_places

// Anchor on the named party when there is one; otherwise every flow.
CALL (wanted_categories, wanted_places) {
  MATCH (a:Party {id: $party})-[f:FLOW]->(b:Party)
  RETURN a, f, b
  UNION
  MATCH (a:Party)-[f:FLOW]->(b:Party {id: $party})
  RETURN a, f, b
  UNION
  MATCH (a:Party)-[f:FLOW]->(b:Party)
  WHERE $party IS NULL
  RETURN a, f, b
}
WITH a, f, b, wanted_categories, wanted_places
// As of a day: the flow, and each system at either end, in force (proposed never is; an unknown
// start or end is open; a partial date covers its whole year or month, compared as text).
WHERE ($as_of IS NULL OR (
        coalesce(f.status, '') <> 'proposed'
        AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
        AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
        AND all(p IN [a, b] WHERE NOT p:System OR (
              coalesce(p.status, '') <> 'proposed'
              AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
              AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))))
  AND (wanted_categories IS NULL OR any(c IN f.categories WHERE c IN wanted_categories))
  AND (wanted_places IS NULL OR f.jurisdiction IN wanted_places)
  // A system takes the sectors of the agencies that operate, own or use it (in force that day).
  AND ($sector IS NULL OR any(p IN [a, b] WHERE (p:Agency AND p.sector = $sector) OR EXISTS {
        MATCH (ag:Agency)-[o:OPERATES]->(p)
        WHERE ag.sector = $sector AND o.role IN ['operator', 'owner', 'user']
          AND ($as_of IS NULL OR (
                coalesce(o.status, '') <> 'proposed'
                AND (o.start IS NULL OR o.start <= left($as_of, size(o.start)))
                AND (o.end IS NULL OR left($as_of, size(o.end)) <= o.end))) }))
WITH a, b, collect(f) AS flows
RETURN a.id AS from, a.name AS from_label, b.id AS to, b.name AS to_label, size(flows) AS flows,
       COLLECT { UNWIND flows AS f UNWIND f.categories AS c RETURN DISTINCT c ORDER BY c } AS categories,
       COLLECT { UNWIND flows AS f RETURN f.id AS id ORDER BY id } AS flow_ids
ORDER BY from, to
