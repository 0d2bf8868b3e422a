// name: transparency-register
// title: Transparency register
// description: The public register Amnesty asks for, one entry per system sorted by id (or just the one asked for): its intended purpose, operation in practice, data types and sources, decisions influenced and reviews — each with status, text ('unknown' when the sources are silent) and citations — plus what the map adds: operators, data held, inbound flows, outcomes influenced and every source id cited. The same answer as 'dataflows register' (dataflows.analyses.register).
// param: system (string) Only this system.
// param: as_of (date) Only systems, operator relations and inbound flows in force that day.
// mode: read

// Every citation's source, by citation id: an inbound flow's citations are found in it by bisection
// (log2 of their number) rather than by a lookup per citation.
WITH COLLECT { MATCH (c:Citation) RETURN [c.id, c.source] AS x ORDER BY x[0] } AS cites
WITH cites, [e IN range(toInteger(ceil(log(size(cites) + 1) / log(2))), 0, -1) | toInteger(2 ^ e)] AS steps
MATCH (sy:System)
WHERE ($system IS NULL OR sy.id = $system)
  AND ($as_of IS NULL OR (
        coalesce(sy.status, '') <> 'proposed'
        AND (sy.start IS NULL OR sy.start <= left($as_of, size(sy.start)))
        AND (sy.end IS NULL OR left($as_of, size(sy.end)) <= sy.end)))
// The five register fields, as stored: register_NAME (status) and register_NAME_text.
WITH cites, steps, sy, [name IN ['purpose', 'operation', 'data_types', 'decisions', 'reviews'] | {
       name: name, status: coalesce(sy['register_' + name], 'unknown'), text: sy['register_' + name + '_text']}]
     AS fields
// Operator relations and inbound flows in force that day (an inbound flow also needs its sender in force).
WITH cites, steps, sy, fields,
     COLLECT {
       MATCH (ag:Agency)-[o:OPERATES]->(sy)
       WHERE $as_of IS NULL OR (
               coalesce(o.status, '') <> 'proposed'
               AND (o.start IS NULL OR o.start <= left($as_of, size(o.start)))
               AND (o.end IS NULL OR left($as_of, size(o.end)) <= o.end))
       RETURN o } AS operates,
     COLLECT {
       MATCH (a:Party)-[f:FLOW]->(sy)
       WHERE $as_of IS NULL OR (
               coalesce(f.status, '') <> 'proposed'
               AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
               AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
               AND (NOT a:System OR (
                     coalesce(a.status, '') <> 'proposed'
                     AND (a.start IS NULL OR a.start <= left($as_of, size(a.start)))
                     AND (a.end IS NULL OR left($as_of, size(a.end)) <= a.end))))
       RETURN f } AS inbound
RETURN sy.id AS system, sy.name AS label, sy.status AS status, sy.jurisdiction AS jurisdiction,
       [fld IN fields | {
         name: fld.name, status: fld.status,
         text: CASE WHEN fld.status = 'unknown' THEN 'unknown' ELSE fld.text END,
         citations: COLLECT {
           MATCH (sy)<-[sp:SUPPORTS]-(c:Citation)-[:CITES]->(src:Source)
           WHERE sp.claim = 'transparency.' + fld.name
           RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                   locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                   confidence: c.confidence, note: c.note} ORDER BY sp.pos }}] AS fields,
       COLLECT {
         UNWIND operates AS o
         WITH startNode(o) AS ag, o.role AS role
         RETURN {agency: ag.id, label: ag.name, role: role} ORDER BY ag.id, coalesce(role, '') } AS operators,
       COLLECT {
         MATCH (sy)-[h:HOLDS]->(c:DataCategory)
         WITH DISTINCT c.id AS category, coalesce(h.purpose, 'unknown') AS purpose
         RETURN {category: category, purpose: purpose} ORDER BY category, purpose } AS holds,
       COLLECT {
         UNWIND inbound AS f
         RETURN {flow: f.id, from: startNode(f).id, categories: f.categories} ORDER BY f.id } AS data_sources,
       COLLECT {
         MATCH (sy)-[i:INFLUENCES]->(o:Outcome)
         RETURN {outcome: o.id, label: o.name, via: i.via} ORDER BY o.id, coalesce(i.via, '') } AS outcomes,
       // Every source cited: the own record of the system, register fields and safeguards; its operator
       // relations, data held and outcomes; and the own citations of inbound flows.
       COLLECT {
         CALL (sy, operates, inbound, cites, steps) {
           MATCH (sy)<-[:SUPPORTS]-(c:Citation) RETURN c.source AS source
           UNION
           UNWIND operates AS o UNWIND o.sources AS source RETURN source
           UNION
           MATCH (sy)-[h:HOLDS]->(:DataCategory) UNWIND h.sources AS source RETURN source
           UNION
           MATCH (sy)-[i:INFLUENCES]->(:Outcome) UNWIND i.sources AS source RETURN source
           UNION
           UNWIND inbound AS f
           // A flow with one source (f.sources lists its citations' distinct sources): that source, when
           // one of its citations is a record one. Otherwise each record citation's source, by bisection.
           UNWIND CASE WHEN size(f.sources) = 1 THEN CASE WHEN 'record' IN f.citation_claims THEN f.sources ELSE [] END
                  ELSE [i IN range(0, size(f.citation_ids) - 1) WHERE f.citation_claims[i] = 'record' |
                        cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites)
                                     AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1]] END
                  AS source
           RETURN source
         }
         RETURN source ORDER BY source
       } AS sources
ORDER BY system
