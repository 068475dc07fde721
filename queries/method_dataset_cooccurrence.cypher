// Method-dataset co-occurrence: how many papers name both a method and a dataset, for pairs seen at least $minPapers times.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param minPapers => 2;
:param limit => 25;

MATCH (m:Method)<-[:USES|PROPOSES]-(p:Paper)-[:EVALUATES_ON]->(d:Dataset)
WITH m, d, count(DISTINCT p) AS papers
WHERE papers >= $minPapers
RETURN m.name AS method, d.name AS dataset, papers
ORDER BY papers DESC, method, dataset
LIMIT $limit;
