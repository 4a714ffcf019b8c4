"""Regions kept apart and finding aggregators in `triage serve`, driven by unmodified boto3, the AWS
CLI and `triage apply --target securityhub` (docs/serve.md, Regions and Finding aggregators).

Run by the Swift suite (ServeClientSuiteTests) with TRIAGE_BIN set; alone:
    TRIAGE_BIN=.build/debug/triage python3 -m unittest -v Tests/clients/test_serve_regions.py
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import TRIAGE, Server, all_findings, finding, import_all  # noqa: E402

ACCOUNT = "111111111111"
EAST, WEST, SOUTH = "us-east-1", "eu-west-1", "ap-south-1"
OFF = {"rate": 0, "burst": 0}
KEY, SECRET = "AKIDREGIONS", "regions-secret-Kq9"
FIXTURE = {"GeneratorId": [{"Value": "reg-", "Comparison": "PREFIX"}]}


def config(aggregator=None, quotas=None):
    """One account and its key; quotas off unless given; `aggregator` as the config's member."""
    document = {
        "accounts": {ACCOUNT: {}},
        "credentials": [{"accessKeyId": KEY, "secretAccessKey": SECRET, "account": ACCOUNT}],
        "quotas": quotas or {"BatchUpdateFindings": OFF, "BatchImportFindings": OFF, "GetFindings": OFF},
    }
    if aggregator is not None:
        document["aggregator"] = aggregator
    return document


def product(region):
    """The account's own product (its custom integration) in `region`."""
    return "arn:aws:securityhub:%s:%s:product/%s/default" % (region, ACCOUNT, ACCOUNT)


def regional(number, region, kind="reg"):
    """Finding `number` of `region`'s product; the fixture's are of kind `reg`, those a test adds
    of another, so that the fixture's filter (``RegionFixture.visible``) leaves them out."""
    return finding(number, ACCOUNT, generator="%s-%s" % (kind, region), ProductArn=product(region))


def ident(document):
    return {"Id": document["Id"], "ProductArn": document["ProductArn"]}


def ids(findings):
    return sorted(f["Id"] for f in findings)


class RegionFixture(unittest.TestCase):
    """A server with 6 findings in us-east-1, 4 in eu-west-1 and 3 in ap-south-1, each imported
    in its own Region."""

    aggregator = None
    quotas = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config(cls.aggregator, cls.quotas))
        cls.clients = {region: cls.server.client(KEY, SECRET, region=region) for region in (EAST, WEST, SOUTH)}
        cls.data = {EAST: [regional(n, EAST) for n in range(6)], WEST: [regional(n, WEST) for n in range(4)],
                    SOUTH: [regional(n, SOUTH) for n in range(3)]}
        for region, documents in cls.data.items():
            assert import_all(cls.clients[region], documents) == [], region

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        log = cls.server.log_text()
        assert SECRET not in log, "the server's log holds the secret"
        assert status == 0, "triage serve exited %d after SIGTERM" % status

    def visible(self, region, Filters=None, **request):
        """The fixture's findings that GetFindings signed for `region` returns (with `Filters`)."""
        filters = dict(Filters or {}, GeneratorId=[{"Value": "reg-", "Comparison": "PREFIX"}])
        return all_findings(self.clients[region], Filters=filters, **request)

    def cli(self, region, *arguments):
        status, out, err = self.server.cli(*arguments, "--region", region, key=KEY, secret=SECRET)
        self.assertEqual(status, 0, err)
        return json.loads(out)


class WithoutAggregatorTests(RegionFixture):
    def test_each_region_sees_only_its_own_findings(self):
        for region, documents in self.data.items():
            self.assertEqual(ids(self.visible(region)), ids(documents), region)
        # Listing two Regions gives each finding once (the double-counting an exporter met).
        listed = ids(self.visible(EAST) + self.visible(WEST))
        self.assertEqual(len(listed), len(set(listed)))
        # The Region filter does not reach another Region.
        self.assertEqual(self.visible(EAST, Filters={"Region": [{"Value": WEST, "Comparison": "EQUALS"}]}), [])
        # The AWS CLI, its paginator and --region.
        found = self.cli(WEST, "get-findings", "--filters", json.dumps(FIXTURE))["Findings"]
        self.assertEqual(ids(found), ids(self.data[WEST]))

    def test_an_update_signed_for_another_region_finds_nothing(self):
        west = self.data[WEST][0]
        answer = self.clients[EAST].batch_update_findings(
            FindingIdentifiers=[ident(west), ident(self.data[EAST][0])], Workflow={"Status": "SUPPRESSED"})
        self.assertEqual([f["Id"] for f in answer["ProcessedFindings"]], [self.data[EAST][0]["Id"]])
        self.assertEqual([(u["FindingIdentifier"]["Id"], u["ErrorCode"]) for u in answer["UnprocessedFindings"]],
                         [(west["Id"], "FindingNotFound")])
        stored = self.visible(WEST, Filters={"Id": [{"Value": west["Id"], "Comparison": "EQUALS"}]})
        self.assertEqual(stored[0]["Workflow"]["Status"], "NEW")
        # The CLI, signed for eu-west-1, updates it.
        answer = self.cli(WEST, "batch-update-findings", "--finding-identifiers", json.dumps([ident(west)]),
                          "--workflow", "Status=NOTIFIED")
        self.assertEqual(answer["UnprocessedFindings"], [])

    def test_a_finding_of_another_regions_product_is_not_imported(self):
        stray = regional(50, WEST, kind="stray")
        answer = self.clients[EAST].batch_import_findings(Findings=[stray, regional(50, EAST, kind="stray")])
        self.assertEqual((answer["SuccessCount"], answer["FailedCount"]), (1, 1))
        failed = answer["FailedFindings"][0]
        self.assertEqual((failed["Id"], failed["ErrorCode"]), (stray["Id"], "AccessDenied"))
        self.assertIn("Not authorized to perform: securityhub:BatchImportFindings on resource: " + product(WEST),
                      failed["ErrorMessage"])
        self.assertIn("the ProductArn's Region (eu-west-1) is not the Region the request is signed for, us-east-1",
                      failed["ErrorMessage"])
        self.assertEqual(all_findings(self.clients[WEST], Filters={"Id": [{"Value": stray["Id"], "Comparison": "EQUALS"}]}), [])

    def test_no_finding_aggregator_is_listed(self):
        for region in (EAST, WEST):
            self.assertEqual(self.clients[region].list_finding_aggregators()["FindingAggregators"], [])
        pages = list(self.clients[EAST].get_paginator("list_finding_aggregators").paginate())
        self.assertEqual([page["FindingAggregators"] for page in pages], [[]])
        self.assertEqual(self.cli(EAST, "list-finding-aggregators"), {"FindingAggregators": []})
        arn = "arn:aws:securityhub:us-east-1:%s:finding-aggregator/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111" % ACCOUNT
        with self.assertRaises(ClientError) as raised:
            self.clients[EAST].get_finding_aggregator(FindingAggregatorArn=arn)
        self.assertEqual(raised.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(ClientError) as raised:
            self.clients[EAST].get_finding_aggregator(FindingAggregatorArn="not-an-arn")
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidInputException")


class WithAggregatorTests(RegionFixture):
    aggregator = {"region": EAST, "linkedRegions": [WEST]}

    def test_the_aggregation_region_sees_its_linked_regions(self):
        self.assertEqual(ids(self.visible(EAST)), ids(self.data[EAST] + self.data[WEST]))
        self.assertEqual(ids(self.visible(WEST)), ids(self.data[WEST]))
        self.assertEqual(ids(self.visible(SOUTH)), ids(self.data[SOUTH]))
        only_west = self.visible(EAST, Filters={"Region": [{"Value": WEST, "Comparison": "EQUALS"}]})
        self.assertEqual(ids(only_west), ids(self.data[WEST]))
        found = self.cli(EAST, "get-findings", "--filters", json.dumps(FIXTURE))["Findings"]
        self.assertEqual(ids(found), ids(self.data[EAST] + self.data[WEST]))

    def test_the_aggregation_region_updates_its_linked_regions(self):
        targets = [self.data[EAST][1], self.data[WEST][1], self.data[SOUTH][1]]
        answer = self.clients[EAST].batch_update_findings(
            FindingIdentifiers=[ident(d) for d in targets], Note={"Text": "from home", "UpdatedBy": "aggregator"})
        self.assertEqual(sorted(f["Id"] for f in answer["ProcessedFindings"]), ids(targets[:2]))
        self.assertEqual([(u["FindingIdentifier"]["Id"], u["ErrorCode"]) for u in answer["UnprocessedFindings"]],
                         [(targets[2]["Id"], "FindingNotFound")])
        # The linked Region sees the update: it is the same finding.
        west = self.visible(WEST, Filters={"Id": [{"Value": targets[1]["Id"], "Comparison": "EQUALS"}]})
        self.assertEqual(west[0]["Note"]["Text"], "from home")
        # A linked Region does not reach the aggregation Region's findings.
        answer = self.clients[WEST].batch_update_findings(
            FindingIdentifiers=[ident(self.data[EAST][1])], Workflow={"Status": "NOTIFIED"})
        self.assertEqual(answer["UnprocessedFindings"][0]["ErrorCode"], "FindingNotFound")

    def test_an_import_in_a_linked_region_is_seen_from_the_aggregation_region(self):
        new = regional(60, WEST, kind="new")
        self.assertEqual(import_all(self.clients[WEST], [new]), [])
        found = all_findings(self.clients[EAST], Filters={"Id": [{"Value": new["Id"], "Comparison": "EQUALS"}]})
        self.assertEqual(ids(found), [new["Id"]])
        # The aggregation Region still imports only its own products' findings.
        answer = self.clients[EAST].batch_import_findings(Findings=[regional(61, WEST, kind="new")])
        self.assertEqual(answer["FailedFindings"][0]["ErrorCode"], "AccessDenied")

    def test_the_aggregator_is_listed_and_described(self):
        arns = set()
        for region in (EAST, WEST, SOUTH):
            listed = self.clients[region].list_finding_aggregators(MaxResults=1)
            self.assertNotIn("NextToken", listed)
            arns.update(a["FindingAggregatorArn"] for a in listed["FindingAggregators"])
        self.assertEqual(len(arns), 1)
        arn = arns.pop()
        self.assertRegex(arn, r"^arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/"
                              r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        for region in (EAST, WEST):
            described = self.clients[region].get_finding_aggregator(FindingAggregatorArn=arn)
            del described["ResponseMetadata"]
            self.assertEqual(described, {"FindingAggregatorArn": arn, "FindingAggregationRegion": EAST,
                                         "RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": [WEST]})
        # The AWS CLI: the list, and the ARN in the path (its colons percent-encoded by botocore).
        self.assertEqual(self.cli(WEST, "list-finding-aggregators"),
                         {"FindingAggregators": [{"FindingAggregatorArn": arn}]})
        self.assertEqual(self.cli(EAST, "get-finding-aggregator", "--finding-aggregator-arn", arn)["Regions"], [WEST])
        other = arn.replace(":111111111111:", ":222222222222:")
        with self.assertRaises(ClientError) as raised:
            self.clients[EAST].get_finding_aggregator(FindingAggregatorArn=other)
        self.assertEqual(raised.exception.response["Error"]["Code"], "ResourceNotFoundException")


class AggregatorQuotaTests(RegionFixture):
    """Writes throttled at 3 per Region (no refill during the test), imports and reads off."""

    aggregator = {"region": EAST, "regionLinkingMode": "SPECIFIED_REGIONS", "regions": [WEST]}
    quotas = {"BatchUpdateFindings": {"rate": 0.001, "burst": 3}, "BatchImportFindings": OFF, "GetFindings": OFF}

    def test_a_write_is_charged_to_every_region_it_impacts(self):
        once = {"mode": "standard", "max_attempts": 1}
        east = self.server.client(KEY, SECRET, region=EAST, retries=once)
        west = self.server.client(KEY, SECRET, region=WEST, retries=once)
        south = self.server.client(KEY, SECRET, region=SOUTH, retries=once)
        west_finding = [ident(self.data[WEST][0])]
        # Two from the aggregation Region naming a linked Region's finding, one from the linked
        # Region: each takes a token of both Regions.
        for client in (east, east, west):
            client.batch_update_findings(FindingIdentifiers=west_finding, Workflow={"Status": "NOTIFIED"})
        for client in (east, west):
            with self.assertRaises(ClientError) as raised:
                client.batch_update_findings(FindingIdentifiers=[ident(self.data[EAST][0])],
                                             Workflow={"Status": "NOTIFIED"})
            self.assertEqual(raised.exception.response["Error"]["Code"], "TooManyRequestsException")
        # A Region the aggregator does not link keeps its own quota; reads are not charged.
        south.batch_update_findings(FindingIdentifiers=[ident(self.data[SOUTH][0])], Workflow={"Status": "NOTIFIED"})
        self.assertEqual(len(self.visible(EAST)), 10)


class ApplyTargetTests(unittest.TestCase):
    """`triage apply --target securityhub` against serve: each batch goes to its finding's Region;
    `--region R` sends everything to R, which needs R to aggregate the others."""

    def run_apply(self, server, decisions, *options):
        directory = tempfile.mkdtemp(prefix="triage-apply-regions-")
        path = os.path.join(directory, "decisions.ndjson.gz")
        with gzip.open(path, "wt") as handle:
            for decision in decisions:
                handle.write(json.dumps(decision) + "\n")
        report = os.path.join(directory, "report.json")
        environment = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        environment.pop("AWS_SESSION_TOKEN", None)
        environment.pop("AWS_PROFILE", None)
        result = subprocess.run(
            [TRIAGE, "apply", "--target", "securityhub", path, "--endpoint-url", server.url, "--report", report,
             *options], env=environment, capture_output=True, text=True, timeout=300)
        with open(report) as handle:
            return result.returncode, json.load(handle), result.stderr

    def decisions(self, server):
        documents = {region: [regional(n, region) for n in range(5)] for region in (EAST, WEST)}
        for region, found in documents.items():
            assert import_all(server.client(KEY, SECRET, region=region), found) == []
        return [dict(ident(d), Workflow={"Status": "RESOLVED"}) for found in documents.values() for d in found]

    def processed(self, report):
        return report["summary"]["processed"] if "summary" in report else report["processed"]

    def test_each_batch_goes_to_its_region_and_one_region_needs_an_aggregator(self):
        plain = Server(config())
        try:
            decisions = self.decisions(plain)
            status, report, err = self.run_apply(plain, decisions)
            self.assertEqual(status, 0, err)
            self.assertEqual(self.processed(report), 10)
            # Everything to us-east-1 without an aggregator: eu-west-1's findings are not found there.
            status, report, err = self.run_apply(plain, decisions, "--region", EAST)
            self.assertEqual(status, 1, err)
            self.assertEqual(self.processed(report), 5)
        finally:
            self.assertEqual(plain.stop(), 0)
        aggregated = Server(config({"region": EAST, "linkedRegions": "ALL_REGIONS"}))
        try:
            decisions = self.decisions(aggregated)
            status, report, err = self.run_apply(aggregated, decisions, "--region", EAST)
            self.assertEqual(status, 0, err)
            self.assertEqual(self.processed(report), 10)
        finally:
            self.assertEqual(aggregated.stop(), 0)


if __name__ == "__main__":
    unittest.main()
