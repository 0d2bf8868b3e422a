// name: known-names
// title: Is this a known name?
// description: Checks a name before a question is asked with it: when the id is a known party, system, data category or jurisdiction (as kind says), just that id; otherwise every id of that kind, sorted, so a typo can be answered with the closest names.
// param: kind (string, required) party, system, data_category or jurisdiction.
// param: id (string, required) The name to check.
// mode: read

RETURN CASE
  WHEN ($kind = 'party' AND EXISTS { MATCH (:Party {id: $id}) })
    OR ($kind = 'system' AND EXISTS { MATCH (n:Party {id: $id}) WHERE n:System })
    OR ($kind = 'data_category' AND EXISTS { MATCH (:DataCategory {id: $id}) })
    OR ($kind = 'jurisdiction' AND EXISTS { MATCH (:Jurisdiction {id: $id}) })
  THEN [$id]
  ELSE COLLECT {
    MATCH (n:Party) WHERE $kind = 'party' RETURN n.id AS id
    UNION
    MATCH (n:System) WHERE $kind = 'system' RETURN n.id AS id
    UNION
    MATCH (n:DataCategory) WHERE $kind = 'data_category' RETURN n.id AS id
    UNION
    MATCH (n:Jurisdiction) WHERE $kind = 'jurisdiction' RETURN n.id AS id
  }
END AS ids
