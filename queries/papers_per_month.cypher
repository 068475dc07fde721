// Papers per month: papers whose listing gives a year and a month, counted by month.
MATCH (p:Paper)
WHERE p.date_precision IN ['year-month', 'year-month-day']
RETURN substring(p.date, 0, 7) AS month, count(p) AS papers
ORDER BY month;
