#!/bin/bash
# usage: scripts/comparison-memory.sh JAR HEAP LABEL [QUERY], e.g. QUERY=?points=2000
# Measures GET /api/v1/experiments/{id}/comparison of an experiment of 100 trials with 56,250 recorded steps each
# (5.6 million rows, written straight into job_steps) on a server with heap HEAP (e.g. 128m) and no training slot:
# three requests, each with its status, size and time, then how many OutOfMemoryErrors the server logged.
# Needs the local PostgreSQL (trust auth); it drops and creates the database cmpbench.
set -u
JAR=$1; XMX=$2; LABEL=$3; QUERY=${4:-}
DB=cmpbench
psql -q -h 127.0.0.1 -U postgres -c "drop database if exists $DB" -c "create database $DB" postgres
rm -rf /tmp/cmp-data; mkdir -p /tmp/cmp-data
java -Xmx$XMX -jar $JAR --server.port=8097 --trainyard.data-dir=/tmp/cmp-data --trainyard.executor.slots=0 \
  --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB --spring.datasource.username=postgres \
  --trainyard.security.tokens[0].principal=alice --trainyard.security.tokens[0].token=alice-token-0123456789 \
  > /tmp/cmp-server-$LABEL.log 2>&1 &
PID=$!
for i in $(seq 1 120); do curl -sf localhost:8097/actuator/health > /dev/null && break; sleep 1; done
SEEDS=$(seq -s, 1 100)
ID=$(curl -s -H "Authorization: Bearer alice-token-0123456789" -H 'Content-Type: application/json' \
  -d "{\"base\": {\"epochs\": 45, \"dataset\": {\"validationFraction\": 0.2}}, \"search\": {\"type\": \"grid\", \"parameters\": {\"seed\": {\"values\": [$SEEDS]}}}, \"parallelism\": 100}" \
  localhost:8097/api/v1/experiments | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
psql -q -h 127.0.0.1 -U postgres -d $DB -c "insert into job_steps (job_id, step, epoch, loss, learning_rate) select j.id, g, g / 1250, 1.0, 0.05 * g / 56250.0 from jobs j, generate_series(0, 56249) g"
psql -t -h 127.0.0.1 -U postgres -d $DB -c "select count(*) from job_steps"
for round in 1 2 3; do
  /usr/bin/time -f "%e s" curl -s -o /tmp/cmp-$LABEL.json -w "$LABEL round $round: HTTP %{http_code}, %{size_download} bytes, %{time_total} s\n" \
    -H "Authorization: Bearer alice-token-0123456789" "localhost:8097/api/v1/experiments/$ID/comparison$QUERY"
done
grep -c "OutOfMemoryError" /tmp/cmp-server-$LABEL.log
kill $PID; wait $PID 2>/dev/null
