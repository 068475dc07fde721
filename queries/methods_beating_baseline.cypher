// Which methods beat a baseline on a dataset, and by how much: relative results whose method is stated to
// improve on the baseline (COMPARED_TO), on that dataset, largest margin first.
// :param baseline => 'LoRA'
// :param dataset => 'GLUE'
MATCH (b:Method)
WHERE toLower(b.name) = toLower($baseline) OR any(alias IN b.aliases WHERE toLower(alias) = toLower($baseline))
MATCH (d:Dataset)
WHERE toLower(d.name) = toLower($dataset) OR any(alias IN d.aliases WHERE toLower(alias) = toLower($dataset))
MATCH (m:Method)<-[:OF_METHOD]-(r:Result {result_kind: 'relative'})-[:COMPARED_TO]->(b),
      (r)-[:ON_DATASET]->(d), (p:Paper)-[:REPORTS]->(r)
OPTIONAL MATCH (r)-[:FOR_METRIC]->(metric:Metric)
RETURN m.name AS method, b.name AS baseline, d.name AS dataset, metric.name AS metric, r.value AS margin,
       r.number AS number, r.unit AS unit, p.paper_id AS paper
ORDER BY number DESC, method, paper
