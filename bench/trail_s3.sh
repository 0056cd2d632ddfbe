#!/usr/bin/env bash
# Objects/s of CloudTrail from S3 (issue 20) on moto: `trail scan s3://…` fetching one object at
# a time (`--parallel 1`, the behaviour before issue 20) and 8 at a time (the default), and
# `trail consume --sqs` draining the notifications of the same objects (`--until-empty`).
# The objects are the Invictus files, gzip, replicated over several days and two accounts.
# moto answers every request in Python, so these figures are moto's as much as yagura's: they
# compare the three ways of reading, not what S3 would give.
#
# usage: bench/trail_s3.sh [OBJECTS]   (default 330)
# env:   YAGURA_BIN (default $CARGO_TARGET_DIR/release/yagura), YAGURA_VENV (moto_server, boto3)
# needs: GNU time (/usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-330}
VENV=${YAGURA_VENV:-$HOME/.cache/yagura-venv}
BIN=${YAGURA_BIN:-${CARGO_TARGET_DIR:-target}/release/yagura}
TESTDATA=${TESTDATA:-../shared/testdata/cloudtrail}
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV/bin/moto_server" -p "$PORT" >/dev/null 2>&1 &
MOTO=$!
WORK=$(mktemp -d)
trap 'kill $MOTO; rm -rf "$WORK"' EXIT
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/nonexistent \
  AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true
for _ in $(seq 1 50); do
  "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL/moto-api/')" 2>/dev/null && break
  sleep 0.2
done
QUEUE=$("$VENV/bin/python" - "$AWS_ENDPOINT_URL" "$TESTDATA/invictus/CloudTrail" "$N" <<'PY'
import boto3, glob, gzip, json, sys
ep, src, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s3, sqs = boto3.client("s3", endpoint_url=ep), boto3.client("sqs", endpoint_url=ep)
q = sqs.create_queue(QueueName="bench", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
for b in ("bench-list", "bench-notified"):
    s3.create_bucket(Bucket=b)
s3.put_bucket_notification_configuration(Bucket="bench-notified", NotificationConfiguration={
    "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
files = [gzip.compress(open(f, "rb").read()) for f in sorted(glob.glob(src + "/*.json"))]
for i in range(n):
    acct = ["111122223333", "444455556666"][i % 2]
    key = f"AWSLogs/{acct}/CloudTrail/us-east-1/2024/08/{1 + i % 6:02}/{acct}_CloudTrail_us-east-1_x{i:05}.json.gz"
    for b in ("bench-list", "bench-notified"):
        s3.put_object(Bucket=b, Key=key, Body=files[i % len(files)])
print(q)
PY
)
echo "objects: $N (gzip Invictus files); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg); binary: $BIN"
# exit 1 means detections (a finding at or above --fail-on): the run itself went through
t() { /usr/bin/time -f "%e %U %S %M" "$@" 2>"$WORK/err" >/dev/null || [ $? -le 1 ] || { cat "$WORK/err" >&2; exit 1; }; tail -n1 "$WORK/err"; }
rate() { awk -v n="$N" '{ printf "wall %s s, user %s s, sys %s s, max RSS %s KiB: %.1f objects/s\n", $1, $2, $3, $4, n / $1 }'; }
for p in 1 8; do
  echo -n "scan s3:// --parallel $p: "
  t "$BIN" --data-dir "$WORK/scan$p" -q trail scan s3://bench-list/AWSLogs/ --parallel "$p" \
    --format json --allow-incomplete --fail-on critical | rate
done
echo -n "consume --sqs --parallel 8: "
t "$BIN" --data-dir "$WORK/consume" -q trail consume --sqs "$QUEUE" --wait 1 --until-empty \
  --format json --allow-incomplete --fail-on critical | rate
