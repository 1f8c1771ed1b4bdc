#!/usr/bin/env bash
# Checks a running coordinator's /metrics with Prometheus's own tools: `promtool check metrics`
# on one scrape, `promtool check rules` on Farm/monitoring/alerts.yml, then a real Prometheus
# (loopback, temporary folder) scrapes it every second and must answer a PromQL query for
# dispatches with at least MIN. usage: prometheus_check.sh http://127.0.0.1:PORT MIN
set -euo pipefail
url=$1 min=$2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
prom_pid=""
trap '[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

curl -sf "$url/metrics" > "$work/metrics.txt"
promtool check metrics < "$work/metrics.txt"
promtool check rules "$here/monitoring/alerts.yml"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target=${url#http://}
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: scenefarm
    static_configs: [{targets: ["$target"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn > "$work/prometheus.log" 2>&1 &
prom_pid=$!
for _ in $(seq 1 60); do
    answer=$(curl -sf "http://127.0.0.1:$port/api/v1/query" --data-urlencode 'query=max(scenefarm_dispatches_total{job="scenefarm"})' || true)
    value=$(printf '%s' "$answer" | python3 -c 'import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")')
    if [ -n "$value" ] && python3 -c "import sys; sys.exit(0 if float('$value') >= $min else 1)"; then
        echo "prometheus: max(scenefarm_dispatches_total) = $value"
        exit 0
    fi
    sleep 0.5
done
echo "prometheus never answered scenefarm_dispatches_total >= $min; its log:" >&2
cat "$work/prometheus.log" >&2
exit 1
