// Findings comparing two methods: finding claims about both, with the paper and the claim's confidence.
// The name is looked up in the full-text index entity_names (name and aliases), then matched exactly, ignoring case.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param methodA => 'ProxylessNAS';
:param methodB => 'SNAS';

CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($methodA, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS a
WITH a WHERE a:Method
  AND (toLower(a.name) = toLower($methodA) OR any(alias IN a.aliases WHERE toLower(alias) = toLower($methodA)))
CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($methodB, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS b
WITH a, b WHERE b:Method
  AND (toLower(b.name) = toLower($methodB) OR any(alias IN b.aliases WHERE toLower(alias) = toLower($methodB)))
MATCH (a)<-[:ABOUT]-(c:Claim {claim_type: 'finding'})-[:ABOUT]->(b), (p:Paper)-[:CLAIMS]->(c)
RETURN p.paper_id AS paper, c.text AS finding, c.confidence AS confidence
ORDER BY confidence DESC, paper;
