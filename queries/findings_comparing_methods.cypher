// Findings comparing two methods: finding claims about both, with the paper and the claim's confidence.
// :param methodA => 'ProxylessNAS'
// :param methodB => 'SNAS'
MATCH (a:Method)<-[:ABOUT]-(c:Claim {claim_type: 'finding'})-[:ABOUT]->(b:Method)
WHERE (toLower(a.name) = toLower($methodA) OR any(x IN a.aliases WHERE toLower(x) = toLower($methodA)))
  AND (toLower(b.name) = toLower($methodB) OR any(x IN b.aliases WHERE toLower(x) = toLower($methodB)))
MATCH (p:Paper)-[:CLAIMS]->(c)
RETURN p.paper_id AS paper, c.text AS finding, c.confidence AS confidence
ORDER BY confidence DESC, paper
