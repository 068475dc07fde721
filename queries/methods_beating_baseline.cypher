// Which methods beat a baseline on a dataset, and by how much: relative results whose method is stated to
// improve on the baseline (COMPARED_TO), on that dataset, largest margin first.
// The name is looked up in the full-text index entity_names (name and aliases), then matched exactly, ignoring case.
// In Neo4j Browser, paste the whole file: the :param lines set example values and the query runs (Browser lists
// each statement's status); run the query on its own again to see its rows in a frame.
:param baseline => 'LoRA';
:param dataset => 'GLUE';

CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($baseline, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS b
WITH b WHERE b:Method
  AND (toLower(b.name) = toLower($baseline) OR any(alias IN b.aliases WHERE toLower(alias) = toLower($baseline)))
CALL db.index.fulltext.queryNodes('entity_names', '"' + replace(replace($dataset, '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS d
WITH b, d WHERE d:Dataset
  AND (toLower(d.name) = toLower($dataset) OR any(alias IN d.aliases WHERE toLower(alias) = toLower($dataset)))
MATCH (m:Method)<-[:OF_METHOD]-(r:Result {result_kind: 'relative'})-[:COMPARED_TO]->(b),
      (r)-[:ON_DATASET]->(d), (p:Paper)-[:REPORTS]->(r)
OPTIONAL MATCH (r)-[:FOR_METRIC]->(metric:Metric)
RETURN m.name AS method, b.name AS baseline, d.name AS dataset, metric.name AS metric, r.value AS margin,
       r.number AS number, r.unit AS unit, p.paper_id AS paper
ORDER BY number DESC, method, paper;
