// Datasets used with a method: datasets evaluated on (or proposed) by papers that use or propose the method.
// :param method => 'Transformer'
MATCH (m:Method)
WHERE toLower(m.name) = toLower($method) OR any(alias IN m.aliases WHERE toLower(alias) = toLower($method))
MATCH (m)<-[:USES|PROPOSES]-(p:Paper)-[:EVALUATES_ON|PROPOSES]->(d:Dataset)
RETURN d.name AS dataset, count(DISTINCT p) AS papers
ORDER BY papers DESC, dataset
