"""Support for the client suite: a real `triage serve` process on a free port, and findings."""
import json
import os
import signal
import subprocess
import tempfile
import threading

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRIAGE = os.environ.get("TRIAGE_BIN") or os.path.join(ROOT, ".build", "debug", "triage")
PRODUCT = "arn:aws:securityhub:us-east-1::product/acme/scanner"
LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


class Server:
    """`triage serve --port 0` with a config file and a store in a temporary directory."""

    def __init__(self, config=None, store=None):
        self.directory = tempfile.mkdtemp(prefix="triage-serve-")
        self.store = store or os.path.join(self.directory, "findings.sqlite")
        arguments = [TRIAGE, "serve", "--store", self.store, "--port", "0"]
        if store is None:
            arguments.append("--create")  # a new store: serve refuses a missing one without it
        if config is not None:
            path = os.path.join(self.directory, "config.json")
            with open(path, "w") as handle:
                json.dump(config, handle)
            arguments += ["--config", path]
        self.log_path = os.path.join(self.directory, "serve.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=self.log)
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening on http://"):
            self.process.kill()
            raise RuntimeError("triage serve did not start: %r\n%s" % (line, self.log_text()))
        self.url = line.strip().split(" ", 2)[2]
        # Keep stdout drained (nothing more is expected on it).
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def client(self, key="test", secret="test", token=None, region="us-east-1", retries=None, **options):
        """An unmodified boto3 client pointed at the server."""
        config = Config(retries=retries or {"mode": "legacy"}, **options)
        return boto3.client(
            "securityhub", endpoint_url=self.url, region_name=region, aws_access_key_id=key,
            aws_secret_access_key=secret, aws_session_token=token, config=config)

    def sts(self, key="test", secret="test", token=None, region="us-east-1"):
        """An unmodified boto3 STS client pointed at the server (STS is served at `POST /`)."""
        return boto3.client(
            "sts", endpoint_url=self.url, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret,
            aws_session_token=token, config=Config(retries={"mode": "standard", "max_attempts": 1}))

    def client_from(self, credentials, **options):
        """A securityhub client signing with the `Credentials` of an AssumeRole answer."""
        return self.client(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                           token=credentials["SessionToken"], **options)

    def cli(self, *arguments, key="test", secret="test", token=None):
        """The AWS CLI (`aws securityhub ...`) against the server; returns (status, stdout, stderr)."""
        environment = dict(os.environ)
        environment.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1",
                           AWS_ENDPOINT_URL_SECURITYHUB=self.url, AWS_CONFIG_FILE="/dev/null",
                           AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")
        environment.pop("AWS_SESSION_TOKEN", None)
        if token:
            environment["AWS_SESSION_TOKEN"] = token
        result = subprocess.run(["aws", "securityhub", *arguments, "--output", "json"], env=environment,
                                capture_output=True, text=True, timeout=300)
        return result.returncode, result.stdout, result.stderr

    def stop(self):
        """SIGTERM, then the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        self.log.close()
        return status

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")


def finding(number, account, generator="gen", **overrides):
    """An ASFF finding whose fields vary with `number`, so that filters select known subsets."""
    document = {
        "SchemaVersion": "2018-10-08",
        "Id": "%s-%s-%04d" % (generator, account, number),
        "ProductArn": PRODUCT,
        "GeneratorId": "%s-%d" % (generator, number % 3),
        "AwsAccountId": account,
        "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
        "CreatedAt": "2026-10-01T00:00:00Z",
        "UpdatedAt": "2026-11-%02dT00:00:00.000Z" % (1 + number % 28),
        "Severity": {"Label": LABELS[number % 5]},
        "Title": "Finding %d of %s" % (number, account),
        "Description": "A test finding",
        "Resources": [{"Type": "AwsEc2Instance", "Id": "i-%04d" % (number % 10), "Region": "us-east-1",
                       "Tags": {"env": "prod" if number % 2 else "dev"}}],
        "Confidence": number % 101,
        "Network": {"SourceIpV4": "10.0.%d.%d" % (number % 4, number % 250)},
        "Sample": number % 7 == 0,
        "ProductFields": {"scanner/rule": "R%d" % (number % 4)},
        "Compliance": {"Status": "FAILED" if number % 3 == 0 else "PASSED"},
    }
    document.update(overrides)
    return document


def import_all(client, findings):
    """BatchImportFindings in requests of 100; returns the FailedFindings of all of them."""
    failed = []
    for start in range(0, len(findings), 100):
        answer = client.batch_import_findings(Findings=findings[start:start + 100])
        failed += answer["FailedFindings"]
    return failed


def all_findings(client, **request):
    """Every page of GetFindings through boto3's own paginator."""
    found = []
    for page in client.get_paginator("get_findings").paginate(**request):
        found += page["Findings"]
    return found
