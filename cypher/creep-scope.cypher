// name: creep-scope
// title: Scope expansion over time
// description: The dated scope changes of every system (or of one): new data categories, subjects, users or purposes, each with its status, description, what was added and its citations. Systems with at least one change, sorted by id; changes sorted by date (earliest day a partial date may mean; unknown dates last), then the date as written, dimension and description. With as_of, changes dated after that day are left out (changes of unknown date stay). The same answer as 'dataflows creep --shape scope' (dataflows.analyses.creep.scope).
// param: system (string) Only this system.
// param: as_of (date) Leave out changes dated after this day.
// mode: read

MATCH (sy:System)-[:SCOPE_CHANGE]->(ch:ScopeChange)
WHERE ($system IS NULL OR sy.id = $system)
  // A partial date (YYYY or YYYY-MM) is not after the day when it is not after the same prefix of the day.
  AND ($as_of IS NULL OR ch.date IS NULL OR ch.date <= left($as_of, size(ch.date)))
WITH sy, ch,
     // The earliest day a partial date may mean, as sortable text.
     CASE size(ch.date) WHEN 4 THEN ch.date + '-01-01' WHEN 7 THEN ch.date + '-01' ELSE ch.date END AS earliest
ORDER BY sy.id, ch.date IS NULL, earliest, ch.date, ch.dimension, ch.description
WITH sy, collect({
       date: ch.date, dimension: ch.dimension, status: ch.status, description: ch.description,
       categories: ch.categories, subjects: ch.subjects, users: ch.users, purposes: ch.purposes,
       citations: COLLECT {
         MATCH (ch)<-[sp:SUPPORTS {claim: 'record'}]-(c:Citation)-[:CITES]->(src:Source)
         RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                 locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                 confidence: c.confidence, note: c.note} ORDER BY sp.pos },
       sources: COLLECT {
         MATCH (ch)<-[:SUPPORTS {claim: 'record'}]-(c:Citation)
         WITH DISTINCT c.source AS source, c.locator AS locator
         RETURN {source: source, locator: locator} ORDER BY source, locator }
     }) AS changes
RETURN sy.id AS system, sy.name AS label, changes
ORDER BY system
