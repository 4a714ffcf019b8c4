#!/usr/bin/env bash
# The AWS CLI way of applying triage decisions: split the decisions into files of at most 100
# finding identifiers per (Region, identical update), in the same order as jobs/wire/boto3_apply.py
# sends its batches, then one `aws securityhub batch-update-findings --cli-input-json` per file.
#   jobs/wire/cli_apply.sh DECISIONS ENDPOINT_URL [MAX_FILES]
# MAX_FILES (default: all) runs only the first files (the CLI starts Python for every call).
# AWS_BIN overrides the `aws` command. Prints one JSON line on stdout: requests, failed requests,
# processed / unprocessed findings, wall seconds (of the loop, not the split), per-Region requests.
set -euo pipefail
decisions=$1
url=$2
max=${3:-0}
aws=${AWS_BIN:-aws}
work=$(mktemp -d "${TMPDIR:-/tmp}/cli-apply.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$decisions" "$work" "$max" <<'PY'
import gzip, json, sys
path, work, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "rb") as probe:
    gzipped = probe.read(2) == b"\x1f\x8b"
f = gzip.open(path, "rt", encoding="utf-8") if gzipped else open(path, encoding="utf-8")
pending, files = {}, []
for line in f:
    if not line.strip():
        continue
    record = json.loads(line)
    identifier = {"Id": record.pop("Id"), "ProductArn": record.pop("ProductArn")}
    region = identifier["ProductArn"].split(":")[3]
    key = (region, json.dumps(record, sort_keys=True, separators=(",", ":")))
    batch = pending.setdefault(key, (record, []))
    batch[1].append(identifier)
    if len(batch[1]) == 100:
        del pending[key]
        files.append((region, batch[0], batch[1]))
files.extend((region, update, ids) for (region, _), (update, ids) in pending.items())
if limit > 0:
    files = files[:limit]
for n, (region, update, ids) in enumerate(files):
    with open(f"{work}/{n:06d}.{region}.json", "w", encoding="utf-8") as out:
        json.dump(dict(FindingIdentifiers=ids, **update), out)
PY
failed=0
start=$(date +%s.%N)
for f in "$work"/*.json; do
  region=${f%.json}; region=${region##*.}
  "$aws" securityhub batch-update-findings --endpoint-url "$url" --region "$region" \
    --cli-input-json "file://$f" --output json >"${f%.json}.out" 2>"${f%.json}.err" \
    || { failed=$((failed + 1)); echo "$region" >"${f%.json}.failed"; }
done
end=$(date +%s.%N)
python3 - "$work" "$failed" "$start" "$end" <<'PY'
import glob, json, sys
work, failed, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
figures = {"requests": 0, "failedRequests": failed, "processed": 0, "unprocessed": 0, "errors": {},
           "regions": {}, "seconds": round(end - start, 3)}
for path in sorted(glob.glob(f"{work}/*.json")):
    region = path.rsplit(".", 2)[1]
    r = figures["regions"].setdefault(region, {"requests": 0, "findings": 0})
    figures["requests"] += 1
    r["requests"] += 1
    try:
        answer = json.load(open(path[:-5] + ".out", encoding="utf-8"))
    except ValueError:
        err = open(path[:-5] + ".err", encoding="utf-8").read()
        code = err.split("(", 1)[1].split(")", 1)[0] if "(" in err else "failed"
        figures["errors"][code] = figures["errors"].get(code, 0) + 1
        continue
    figures["processed"] += len(answer.get("ProcessedFindings", []))
    r["findings"] += len(answer.get("ProcessedFindings", []))
    for failure in answer.get("UnprocessedFindings", []):
        figures["unprocessed"] += 1
        code = failure.get("ErrorCode", "?")
        figures["errors"][code] = figures["errors"].get(code, 0) + 1
print(json.dumps(figures, separators=(",", ":")))
PY
