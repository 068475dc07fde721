// Datasets used with a method: datasets evaluated on (or proposed) by papers that use or propose the method.
// The name is looked up in the full-text index entity_names (name and aliases), then matched exactly, ignoring case.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param method => 'Transformer';

CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($method, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS m
WITH m WHERE m:Method
  AND (toLower(m.name) = toLower($method) OR any(alias IN m.aliases WHERE toLower(alias) = toLower($method)))
MATCH (m)<-[:USES|PROPOSES]-(p:Paper)-[:EVALUATES_ON|PROPOSES]->(d:Dataset)
RETURN d.name AS dataset, count(DISTINCT p) AS papers
ORDER BY papers DESC, dataset;
