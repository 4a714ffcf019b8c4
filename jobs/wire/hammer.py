#!/usr/bin/env python3
"""Another client using up one Region's BatchUpdateFindings quota (jobs/bench-region-isolation).

    hammer.py ENDPOINT_URL REGION THREADS

THREADS threads send BatchUpdateFindings of one unknown finding to REGION as fast as the server
answers, with no retries (a 429 is simply sent again), until the process is stopped. Credentials
come from the environment. Prints, when stopped, one JSON line: requests, throttled.
"""
import json
import signal
import sys
import threading

import boto3
from botocore.config import Config

endpoint, region, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = boto3.client(
    "securityhub", endpoint_url=endpoint, region_name=region,
    config=Config(retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=threads))
counts = {"requests": 0, "throttled": 0}
lock = threading.Lock()
stopping = threading.Event()
update = {
    "FindingIdentifiers": [{"Id": "hammer", "ProductArn": f"arn:aws:securityhub:{region}::product/aws/securityhub"}],
    "Note": {"Text": "hammer", "UpdatedBy": "hammer"},
}


def hammer():
    while not stopping.is_set():
        throttled = 0
        try:
            client.batch_update_findings(**update)
        except client.exceptions.ClientError as error:
            throttled = int(error.response.get("Error", {}).get("Code") == "TooManyRequestsException")
        except Exception:  # the server went away: the bench is ending
            if stopping.wait(0.1):
                break
        with lock:
            counts["requests"] += 1
            counts["throttled"] += throttled


def stop(*_):
    stopping.set()


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
# A blocked signal mask is inherited across exec (a parent's thread may block them): the bench
# stops this process with SIGTERM, so it must be delivered.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
workers = [threading.Thread(target=hammer, daemon=True) for _ in range(threads)]
for worker in workers:
    worker.start()
while not stopping.wait(0.5):
    pass
print(json.dumps(counts), flush=True)
