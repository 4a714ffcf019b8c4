#!/usr/bin/env python3
"""The boto3 script a user would write to apply triage decisions to Security Hub.

    jobs/wire/boto3_apply.py DECISIONS --endpoint-url URL

Reads NDJSON decision records (gzip or not; `Id`, `ProductArn` and the update members), groups
them by (Region of the ProductArn, the update as canonical JSON) into batches of 100 in input
order (a batch is sent as soon as it is full, the partial ones at the end in order of their first
record), one boto3 client per Region with the standard retry mode, one BatchUpdateFindings call
at a time. Prints one JSON line of figures on stdout (see `figures` below). Used by
jobs/bench-wire as the baseline; credentials and the rest come from the usual environment.
"""
import argparse
import gzip
import json
import resource
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BATCH = 100


def records(path):
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rt", encoding="utf-8") if gzipped else open(path, encoding="utf-8")) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("decisions")
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--batch-size", type=int, default=BATCH)
    args = parser.parse_args()

    config = Config(retries={"mode": "standard"})
    clients = {}
    figures = {"requests": 0, "attempts": 0, "retries": 0, "processed": 0, "unprocessed": 0,
               "failedRequests": 0, "throttledRequests": 0, "failedFindings": 0, "errors": {},
               "regions": {}}
    started = time.monotonic()

    def send(region, update, identifiers):
        client = clients.get(region)
        if client is None:
            client = clients[region] = boto3.client(
                "securityhub", region_name=region, endpoint_url=args.endpoint_url, config=config)
        r = figures["regions"].setdefault(region, {"requests": 0, "findings": 0, "throttled": 0,
                                                   "first": None, "last": None})
        now = time.monotonic() - started
        r["first"] = now if r["first"] is None else r["first"]
        figures["requests"] += 1
        r["requests"] += 1
        try:
            answer = client.batch_update_findings(FindingIdentifiers=identifiers, **update)
            meta = answer["ResponseMetadata"]
            figures["processed"] += len(answer.get("ProcessedFindings", []))
            r["findings"] += len(answer.get("ProcessedFindings", []))
            for failure in answer.get("UnprocessedFindings", []):
                figures["unprocessed"] += 1
                code = failure.get("ErrorCode", "?")
                figures["errors"][code] = figures["errors"].get(code, 0) + 1
        except ClientError as error:
            meta = error.response.get("ResponseMetadata", {})
            code = error.response.get("Error", {}).get("Code", "?")
            figures["failedRequests"] += 1
            figures["failedFindings"] += len(identifiers)
            figures["errors"][code] = figures["errors"].get(code, 0) + len(identifiers)
            if code == "TooManyRequestsException":
                figures["throttledRequests"] += 1
                r["throttled"] += 1
        retries = meta.get("RetryAttempts", 0)
        figures["retries"] += retries
        figures["attempts"] += 1 + retries
        r["last"] = time.monotonic() - started

    pending = {}  # (region, canonical update) -> (update, identifiers); dicts keep insertion order
    for record in records(args.decisions):
        identifier = {"Id": record.pop("Id"), "ProductArn": record.pop("ProductArn")}
        region = identifier["ProductArn"].split(":")[3]
        key = (region, json.dumps(record, sort_keys=True, separators=(",", ":")))
        batch = pending.setdefault(key, (record, []))
        batch[1].append(identifier)
        if len(batch[1]) == args.batch_size:
            del pending[key]
            send(region, batch[0], batch[1])
    for (region, _), (update, identifiers) in pending.items():
        send(region, update, identifiers)

    figures["seconds"] = round(time.monotonic() - started, 3)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpuSeconds"] = round(usage.ru_utime + usage.ru_stime, 3)
    print(json.dumps(figures, separators=(",", ":")))
    return 0 if figures["failedFindings"] == 0 and figures["unprocessed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
