// A paper's full neighbourhood: its entities, claims and results, and the entities those claims and results name.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param paper => 'hash:e7b23d8933f4d2c2';

MATCH (p:Paper {paper_id: $paper})-[r]->(n)
OPTIONAL MATCH (n)-[r2]->(e:Entity)
RETURN type(r) AS relationship, n.kind AS kind, n.label AS node, r.confidence AS confidence,
       type(r2) AS via, e.name AS entity
ORDER BY relationship, node, via, entity;
