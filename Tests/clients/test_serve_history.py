"""`GetFindingHistory` of `triage serve` driven by unmodified boto3 and the AWS CLI (docs/serve.md,
"Finding history"): the history after imports and updates, newest first, paged with MaxResults and
NextToken (boto3's paginator and the CLI's), and a time window.

Run by the Swift suite (ServeClientSuiteTests) with TRIAGE_BIN set; alone:
    TRIAGE_BIN=.build/debug/triage python3 -m unittest -v Tests/clients/test_serve_history.py
"""
import datetime
import json
import os
import sys
import time
import unittest

from botocore.exceptions import ClientError, ParamValidationError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import PRODUCT, Server, finding  # noqa: E402

OWNER, STRANGER = "444455556666", "777788889999"
OFF = {"rate": 0, "burst": 0}
CONFIG = {
    "accounts": {OWNER: {}, STRANGER: {}},
    "credentials": [
        {"accessKeyId": "AKIDHISTORY", "secretAccessKey": "history-secret", "account": OWNER},
        {"accessKeyId": "AKIDSTRANGER", "secretAccessKey": "stranger-secret", "account": STRANGER},
    ],
    "quotas": {"BatchUpdateFindings": OFF, "BatchImportFindings": OFF, "GetFindings": OFF,
               "GetFindingHistory": OFF},
}
IDENTITY = "arn:aws:iam::%s:user/AKIDHISTORY" % OWNER


def ident(document):
    return {"Id": document["Id"], "ProductArn": document["ProductArn"]}


def fields(record):
    """A record's Updates as {UpdatedField: (OldValue, NewValue)}."""
    return {u["UpdatedField"]: (u.get("OldValue"), u.get("NewValue")) for u in record["Updates"]}


class ServeHistoryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(CONFIG)
        cls.client = cls.server.client("AKIDHISTORY", "history-secret")
        cls.stranger = cls.server.client("AKIDSTRANGER", "stranger-secret")

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        assert status == 0, "triage serve exited %d after SIGTERM" % status

    def new_finding(self, number, updates):
        """Imports a finding, then applies each of `updates` (BatchUpdateFindings members), a few
        milliseconds apart (distinct UpdateTimes); returns its identifier."""
        document = finding(number, OWNER, generator="history")
        answer = self.client.batch_import_findings(Findings=[document])
        self.assertEqual(answer["SuccessCount"], 1, answer)
        for members in updates:
            time.sleep(0.005)
            answer = self.client.batch_update_findings(FindingIdentifiers=[ident(document)], **members)
            self.assertEqual(len(answer["ProcessedFindings"]), 1, answer)
        return ident(document)

    def history(self, identifier, **request):
        records = []
        for page in self.client.get_paginator("get_finding_history").paginate(
                FindingIdentifier=identifier, **request):
            records += page["Records"]
        return records

    def test_history_after_updates_newest_first(self):
        identifier = self.new_finding(1, [
            {"Workflow": {"Status": "NOTIFIED"}, "Note": {"Text": "looked at it", "UpdatedBy": "alice"}},
            {"Workflow": {"Status": "NOTIFIED"}},  # changes nothing: no record
            {"Severity": {"Label": "CRITICAL"}},
        ])
        records = self.client.get_finding_history(FindingIdentifier=identifier)["Records"]
        self.assertEqual(len(records), 3, records)
        times = [r["UpdateTime"] for r in records]
        self.assertTrue(all(isinstance(t, datetime.datetime) for t in times), times)
        self.assertEqual(times, sorted(times, reverse=True))
        for record in records:
            self.assertEqual(record["FindingIdentifier"], identifier)
        severity, noted, created = records
        self.assertTrue(created["FindingCreated"])
        self.assertEqual(created["Updates"], [])
        self.assertEqual(created["UpdateSource"], {"Type": "BATCH_IMPORT_FINDINGS", "Identity": PRODUCT})
        self.assertFalse(noted["FindingCreated"])
        self.assertEqual(noted["UpdateSource"], {"Type": "BATCH_UPDATE_FINDINGS", "Identity": IDENTITY})
        changes = fields(noted)
        self.assertEqual(changes["Workflow.Status"], ("NEW", "NOTIFIED"))
        self.assertEqual(changes["Note.Text"], (None, "looked at it"))
        self.assertEqual(changes["Note.UpdatedBy"], (None, "alice"))
        self.assertIn("Note.UpdatedAt", changes)
        self.assertEqual(fields(severity)["Severity.Label"], ("LOW", "CRITICAL"))
        # What GetFindings shows agrees with the newest record.
        shown = self.client.get_findings(Filters={"Id": [{"Value": identifier["Id"], "Comparison": "EQUALS"}]})
        self.assertEqual(shown["Findings"][0]["Severity"]["Label"], "CRITICAL")

    def test_paging_with_max_results(self):
        identifier = self.new_finding(2, [{"Confidence": c} for c in range(1, 7)])
        everything = self.client.get_finding_history(FindingIdentifier=identifier)
        self.assertNotIn("NextToken", everything)
        self.assertEqual(len(everything["Records"]), 7)
        # By hand: MaxResults and NextToken.
        pages, token, records = 0, None, []
        while True:
            request = {"FindingIdentifier": identifier, "MaxResults": 3}
            if token:
                request["NextToken"] = token
            answer = self.client.get_finding_history(**request)
            self.assertLessEqual(len(answer["Records"]), 3)
            records += answer["Records"]
            pages += 1
            token = answer.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(records, everything["Records"])
        # boto3's paginator, pages of 2.
        paginated = list(self.client.get_paginator("get_finding_history").paginate(
            FindingIdentifier=identifier, PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(paginated), 4)
        self.assertEqual([r for p in paginated for r in p["Records"]], everything["Records"])
        self.assertEqual([fields(r).get("Confidence") for r in everything["Records"][:2]],
                         [("5", "6"), ("4", "5")])
        # A token belongs to its finding.
        first = self.client.get_finding_history(FindingIdentifier=identifier, MaxResults=1)
        other = self.new_finding(3, [])
        with self.assertRaises(ClientError) as caught:
            self.client.get_finding_history(FindingIdentifier=other, NextToken=first["NextToken"])
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidInputException")

    def test_a_time_window(self):
        identifier = self.new_finding(4, [{"Confidence": c} for c in range(1, 5)])
        records = self.history(identifier)
        self.assertEqual(len(records), 5)
        start, end = records[3]["UpdateTime"], records[1]["UpdateTime"]
        # botocore sends datetimes as ISO 8601 with microseconds.
        inside = self.history(identifier, StartTime=start, EndTime=end, PaginationConfig={"PageSize": 1})
        self.assertEqual(inside, records[1:4])
        self.assertEqual(self.history(identifier, StartTime=end), records[:2])
        self.assertEqual(self.history(identifier, EndTime=start), records[3:])
        with self.assertRaises(ClientError) as caught:
            self.client.get_finding_history(FindingIdentifier=identifier, StartTime=end, EndTime=start)
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidInputException")

    def test_what_the_caller_may_not_see_has_no_history(self):
        identifier = self.new_finding(5, [{"Workflow": {"Status": "RESOLVED"}}])
        self.assertEqual(len(self.history(identifier)), 2)
        self.assertEqual(self.stranger.get_finding_history(FindingIdentifier=identifier)["Records"], [])
        elsewhere = self.server.client("AKIDHISTORY", "history-secret", region="eu-west-1")
        self.assertEqual(elsewhere.get_finding_history(FindingIdentifier=identifier)["Records"], [])
        missing = {"Id": "no-such-finding", "ProductArn": PRODUCT}
        self.assertEqual(self.client.get_finding_history(FindingIdentifier=missing)["Records"], [])

    def test_limits(self):
        identifier = {"Id": "x", "ProductArn": PRODUCT}
        with self.assertRaises(ParamValidationError):  # the model's min, checked by botocore
            self.client.get_finding_history(FindingIdentifier=identifier, MaxResults=0)
        with self.assertRaises(ClientError) as caught:  # the max, checked by the service
            self.client.get_finding_history(FindingIdentifier=identifier, MaxResults=101)
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidInputException")
        self.assertIn("MaxResults", caught.exception.response["Error"]["Message"])

    def test_the_cli_pages_and_windows(self):
        identifier = self.new_finding(6, [{"Confidence": c} for c in range(1, 5)])
        expected = self.history(identifier)
        argument = "Id=%s,ProductArn=%s" % (identifier["Id"], identifier["ProductArn"])
        keys = {"key": "AKIDHISTORY", "secret": "history-secret"}
        status, out, err = self.server.cli("get-finding-history", "--finding-identifier", argument,
                                           "--page-size", "2", **keys)
        self.assertEqual(status, 0, err)
        records = json.loads(out)["Records"]
        self.assertEqual(len(records), 5)
        self.assertEqual([r["UpdateSource"]["Type"] for r in records],
                         ["BATCH_UPDATE_FINDINGS"] * 4 + ["BATCH_IMPORT_FINDINGS"])
        self.assertEqual([fields(r).get("Confidence") for r in records[:4]],
                         [("3", "4"), ("2", "3"), ("1", "2"), ("6", "1")])  # finding 6 had Confidence 6
        status, out, err = self.server.cli("get-finding-history", "--finding-identifier", argument,
                                           "--max-items", "2", **keys)
        self.assertEqual(status, 0, err)
        first = json.loads(out)
        self.assertEqual(len(first["Records"]), 2)
        status, out, err = self.server.cli("get-finding-history", "--finding-identifier", argument,
                                           "--starting-token", first["NextToken"], **keys)
        self.assertEqual(status, 0, err)
        self.assertEqual(len(json.loads(out)["Records"]), 3)
        window = ["--start-time", expected[3]["UpdateTime"].isoformat(),
                  "--end-time", expected[1]["UpdateTime"].isoformat()]
        status, out, err = self.server.cli("get-finding-history", "--finding-identifier", argument, *window, **keys)
        self.assertEqual(status, 0, err)
        self.assertEqual([fields(r).get("Confidence") for r in json.loads(out)["Records"]],
                         [("2", "3"), ("1", "2"), ("6", "1")])


if __name__ == "__main__":
    unittest.main()
