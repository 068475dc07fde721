// Method-dataset co-occurrence: how many papers name both a method and a dataset, for pairs seen at least $minPapers times.
// :param minPapers => 2
// :param limit => 25
MATCH (m:Method)<-[:USES|PROPOSES]-(p:Paper)-[:EVALUATES_ON]->(d:Dataset)
WITH m, d, count(DISTINCT p) AS papers
WHERE papers >= $minPapers
RETURN m.name AS method, d.name AS dataset, papers
ORDER BY papers DESC, method, dataset
LIMIT $limit
