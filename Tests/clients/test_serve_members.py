"""Service-owned members and timestamp checks of `BatchImportFindings`, through unmodified boto3 and
the AWS CLI (docs/serve.md, "Service-owned members" and "Timestamps").

Run by the Swift suite (ServeClientSuiteTests) with TRIAGE_BIN set; alone:
    TRIAGE_BIN=.build/debug/triage python3 -m unittest -v Tests/clients/test_serve_members.py
"""
import copy
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import ROOT, Server, all_findings, finding  # noqa: E402

ACCOUNT = "000000000000"  # the default credential's account
GUARDDUTY = "arn:aws:securityhub:us-east-1::product/aws/guardduty"
SCANNER = "arn:aws:securityhub:us-east-1::product/acme-corp/vuln-scanner"
CUSTOM = "arn:aws:securityhub:us-east-1:%s:product/%s/default" % (ACCOUNT, ACCOUNT)
BAD_DATE = 'should match format "date-time".'
PREFIX = "Finding does not adhere to Amazon Finding Format. "
OWNED = ["ProductName", "CompanyName", "Region"]
OWNED_FIELDS = ["aws/securityhub/FindingId", "aws/securityhub/ProductName", "aws/securityhub/CompanyName",
                "aws/securityhub/SeverityLabel"]


def bare(number, product, **overrides):
    """A finding of `product` without any service-owned member (but those in `overrides`)."""
    document = finding(number, ACCOUNT, generator="own", ProductArn=product)
    for name in OWNED:
        document.pop(name, None)
    document.update(overrides)
    return document


def stripped(recorded):
    """A recorded finding without the service-owned members Security Hub added."""
    document = copy.deepcopy(recorded)
    for name in OWNED:
        document.pop(name, None)
    for name in OWNED_FIELDS:
        document.get("ProductFields", {}).pop(name, None)
    return document


class ServeServiceOwnedMembersTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.client = cls.server.client()
        cls.findings = ([bare(n, GUARDDUTY, ProductName="Mine", CompanyName="Me") for n in range(6)]
                        + [bare(n, SCANNER) for n in range(6, 10)]
                        + [bare(n, CUSTOM, ProductName="Decoys") for n in range(10, 12)]
                        + [bare(12, CUSTOM)])
        answer = cls.client.batch_import_findings(Findings=cls.findings)
        assert answer["FailedCount"] == 0, answer

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.directory, ignore_errors=True)

    def found(self, filters):
        return all_findings(self.client, Filters=filters)

    def test_get_findings_returns_the_members_the_service_adds(self):
        found = {f["Id"]: f for f in self.found({"GeneratorId": [{"Value": "own-", "Comparison": "PREFIX"}]})}
        self.assertEqual(len(found), len(self.findings))
        for sent in self.findings:
            got = found[sent["Id"]]
            fields = got["ProductFields"]
            self.assertEqual(got["Region"], "us-east-1")
            self.assertEqual(fields["aws/securityhub/FindingId"], sent["ProductArn"] + "/" + sent["Id"])
            self.assertEqual(fields["scanner/rule"], sent["ProductFields"]["scanner/rule"])  # the provider's kept
            names = {GUARDDUTY: ("GuardDuty", "Amazon"), SCANNER: ("Vuln Scanner", "Acme Corp"),
                     CUSTOM: ("Default", "Personal")}[sent["ProductArn"]]
            self.assertEqual((fields["aws/securityhub/ProductName"], fields["aws/securityhub/CompanyName"]), names)
            if sent["ProductArn"] == CUSTOM and "ProductName" in sent:
                names = (sent["ProductName"], "Personal")  # a custom integration names itself
            self.assertEqual((got["ProductName"], got["CompanyName"]), names, sent["Id"])
            # Everything else is as sent (plus the customer defaults).
            for name, value in sent.items():
                if name not in OWNED + ["ProductFields"]:
                    self.assertEqual(got[name], value, "%s: %s" % (sent["Id"], name))

    def test_filters_match_the_service_owned_members(self):
        own = {"GeneratorId": [{"Value": "own-", "Comparison": "PREFIX"}]}
        ids = lambda filters: sorted(f["Id"] for f in self.found({**filters, **own}))  # noqa: E731
        guardduty = sorted(f["Id"] for f in self.findings if f["ProductArn"] == GUARDDUTY)
        self.assertEqual(ids({"ProductName": [{"Value": "GuardDuty", "Comparison": "EQUALS"}]}), guardduty)
        self.assertEqual(ids({"ProductName": [{"Value": "Mine", "Comparison": "EQUALS"}]}), [])
        self.assertEqual(ids({"CompanyName": [{"Value": "Amazon", "Comparison": "EQUALS"}]}), guardduty)
        self.assertEqual(len(ids({"ProductName": [{"Value": "Decoys", "Comparison": "EQUALS"}]})), 2)
        self.assertEqual(
            len(ids({"ProductFields": [{"Key": "aws/securityhub/ProductName", "Value": "Default",
                                        "Comparison": "EQUALS"}]})), 3)
        self.assertEqual(len(ids({"Region": [{"Value": "us-east-1", "Comparison": "EQUALS"}]})), len(self.findings))

    def test_the_aws_cli_sees_them_too(self):
        status, out, err = self.server.cli(
            "get-findings", "--filters", json.dumps({"ProductName": [{"Value": "Vuln Scanner",
                                                                       "Comparison": "EQUALS"}]}))
        self.assertEqual(status, 0, err)
        found = json.loads(out)["Findings"]
        self.assertEqual(len(found), 4)
        self.assertTrue(all(f["CompanyName"] == "Acme Corp" and f["Region"] == "us-east-1" for f in found))

    def test_a_recorded_finding_gets_back_what_security_hub_recorded(self):
        path = os.path.join(ROOT, "Tests/Fixtures/ThirdParty/asff/defectdojo/inspector_ec2_ghsa.json")
        with open(path) as handle:
            recorded = json.load(handle)["Findings"][0]
        client = self.server.client(region="eu-central-1")  # the finding's Region
        sent = stripped(recorded)
        sent["AwsAccountId"] = ACCOUNT
        answer = client.batch_import_findings(Findings=[sent])
        self.assertEqual(answer["FailedCount"], 0, answer)
        got = all_findings(client, Filters={"Id": [{"Value": recorded["Id"], "Comparison": "EQUALS"}]})[0]
        for name in OWNED:
            self.assertEqual(got[name], recorded[name], name)
        for name in OWNED_FIELDS:
            self.assertEqual(got["ProductFields"].get(name), recorded["ProductFields"].get(name), name)

    def test_a_bad_timestamp_fails_that_finding_only(self):
        good = bare(20, GUARDDUTY, GeneratorId="ts-good")
        bad = bare(21, GUARDDUTY, GeneratorId="ts-bad", CreatedAt="yesterday")
        nested = bare(22, GUARDDUTY, GeneratorId="ts-nested")
        nested["Resources"][0]["Details"] = {"AwsEc2Instance": {"LaunchedAt": "2026-10-01 00:00:00Z"}}
        offset = bare(23, GUARDDUTY, GeneratorId="ts-offset", FirstObservedAt="2026-10-01T00:00:00+19:00")
        python = bare(24, GUARDDUTY, GeneratorId="ts-python", LastObservedAt="2026-10-01T00:00:00.123456+00:00")
        answer = self.client.batch_import_findings(Findings=[good, bad, nested, offset, python])
        self.assertEqual((answer["SuccessCount"], answer["FailedCount"]), (2, 3))
        failed = {f["Id"]: f for f in answer["FailedFindings"]}
        self.assertEqual(failed[bad["Id"]], {"Id": bad["Id"], "ErrorCode": "InvalidInput",
                                             "ErrorMessage": PREFIX + "data.CreatedAt " + BAD_DATE})
        self.assertEqual(failed[nested["Id"]]["ErrorMessage"],
                         PREFIX + "data.Resources[0].Details.AwsEc2Instance.LaunchedAt " + BAD_DATE)
        self.assertEqual(failed[offset["Id"]]["ErrorMessage"], PREFIX + "data.FirstObservedAt " + BAD_DATE)
        stored = sorted(f["GeneratorId"] for f in self.found({"GeneratorId": [{"Value": "ts-",
                                                                               "Comparison": "PREFIX"}]}))
        self.assertEqual(stored, ["ts-good", "ts-python"])

    def test_the_aws_cli_gets_the_same_failure(self):
        bad = bare(30, GUARDDUTY, GeneratorId="cli-bad", UpdatedAt="2026-11-01T00:00:00")
        status, out, err = self.server.cli("batch-import-findings", "--findings", json.dumps([bad]))
        self.assertEqual(status, 0, err)
        answer = json.loads(out)
        self.assertEqual(answer["FailedCount"], 1)
        self.assertEqual(answer["FailedFindings"][0]["ErrorCode"], "InvalidInput")
        self.assertEqual(answer["FailedFindings"][0]["ErrorMessage"], PREFIX + "data.UpdatedAt " + BAD_DATE)


if __name__ == "__main__":
    unittest.main()
