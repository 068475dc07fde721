// Top methods per task: the methods most papers addressing a task use or propose.
// :param task => 'image classification'
// :param limit => 10
MATCH (t:Task)
WHERE toLower(t.name) = toLower($task) OR any(alias IN t.aliases WHERE toLower(alias) = toLower($task))
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Method)
RETURN m.name AS method, count(DISTINCT p) AS papers
ORDER BY papers DESC, method
LIMIT $limit
