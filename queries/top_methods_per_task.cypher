// Top methods per task: the methods most papers addressing a task use or propose.
// The name is looked up in the full-text index entity_names (name and aliases), then matched exactly, ignoring case.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param task => 'image classification';
:param limit => 10;

CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($task, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS t
WITH t WHERE t:Task
  AND (toLower(t.name) = toLower($task) OR any(alias IN t.aliases WHERE toLower(alias) = toLower($task)))
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Method)
RETURN m.name AS method, count(DISTINCT p) AS papers
ORDER BY papers DESC, method
LIMIT $limit;
