# kgbuild with its shipped pipeline: the image the compose file's worker runs (python -m flows.serve, as kgbuild serve).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kgbuild ./kgbuild
COPY flows ./flows
COPY ontology ./ontology
COPY queries ./queries
COPY sample ./sample
# For `prefect deploy --all` in /app, the work-pool alternative to serving (README: Scheduled builds).
COPY prefect.yaml ./
RUN pip install --no-cache-dir . && useradd --create-home kgbuild && mkdir -p /data && chown kgbuild /data
USER kgbuild
ENV PREFECT_SERVER_ANALYTICS_ENABLED=false
CMD ["python", "-m", "flows.serve"]
