"""`triage serve` driven by unmodified boto3 and the AWS CLI (docs/serve.md).

Run by the Swift suite (ServeClientSuiteTests) with TRIAGE_BIN set; alone:
    TRIAGE_BIN=.build/debug/triage python3 -m unittest -v Tests/clients/test_serve_clients.py
"""
import datetime
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

import boto3
import botocore
import botocore.auth
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import PRODUCT, Server, all_findings, finding, import_all  # noqa: E402

ADMIN, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
DENY_SUPPRESSED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Action": "securityhub:BatchUpdateFindings", "Resource": "*",
    "Condition": {"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": "SUPPRESSED"}}}]}
SECRETS = ["admin-secret-Zq1", "member-secret-Xw2", "member-token-Pp3", "other-secret-Rr4", "expired-secret-Tt5",
           "expired-token-Uu6", "nosub-secret-Vv7"]
OFF = {"rate": 0, "burst": 0}
CONFIG = {
    "accounts": {ADMIN: {"administrator": True, "members": [MEMBER]}, MEMBER: {}, OTHER: {}},
    "credentials": [
        {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin-secret-Zq1", "account": ADMIN},
        {"accessKeyId": "AKIDMEMBER", "secretAccessKey": "member-secret-Xw2", "account": MEMBER,
         "sessionToken": "member-token-Pp3", "expiresAt": "2030-01-01T00:00:00Z", "policies": [DENY_SUPPRESSED]},
        {"accessKeyId": "AKIDOTHER", "secretAccessKey": "other-secret-Rr4", "account": OTHER},
        {"accessKeyId": "AKIDEXPIRED", "secretAccessKey": "expired-secret-Tt5", "account": OTHER,
         "sessionToken": "expired-token-Uu6", "expiresAt": "2020-01-01T00:00:00Z"},
        {"accessKeyId": "AKIDNOSUB", "secretAccessKey": "nosub-secret-Vv7", "account": "999999999999"},
    ],
    "quotas": {"BatchUpdateFindings": OFF, "BatchImportFindings": OFF, "GetFindings": OFF},
}
GEN = {"GeneratorId": [{"Value": "gen-", "Comparison": "PREFIX"}]}


def ident(document):
    return {"Id": document["Id"], "ProductArn": document["ProductArn"]}


class ServeClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(CONFIG)
        cls.admin = cls.server.client("AKIDADMIN", "admin-secret-Zq1")
        cls.member = cls.server.client("AKIDMEMBER", "member-secret-Xw2", token="member-token-Pp3")
        cls.other = cls.server.client("AKIDOTHER", "other-secret-Rr4")
        cls.numbers = {ADMIN: range(120), MEMBER: range(40)}
        cls.data = [finding(n, account) for account, numbers in cls.numbers.items() for n in numbers]
        assert import_all(cls.admin, cls.data) == []
        assert import_all(cls.other, [finding(n, OTHER) for n in range(15)]) == []

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        log = cls.server.log_text()
        leaked = [secret for secret in SECRETS if secret in log]
        assert not leaked, "the server's log holds secrets: %s" % leaked
        assert "Signature=" not in log and "Credential=" not in log, "the log holds signature parts"
        assert status == 0, "triage serve exited %d after SIGTERM" % status
        assert log.count(" BatchUpdateFindings ") >= 5, log[-2000:]

    def expect(self, predicate):
        return sorted(d["Id"] for d in self.data if predicate(d))

    def ids(self, filters, client=None):
        merged = dict(GEN)
        merged.update(filters)
        return sorted(f["Id"] for f in all_findings(client or self.admin, Filters=merged))

    def number(self, document):
        return int(document["Id"].rsplit("-", 1)[1])

    # BatchImportFindings and BatchUpdateFindings

    def test_import_answers_counts_and_refuses_other_accounts(self):
        answer = self.admin.batch_import_findings(
            Findings=[finding(1, ADMIN, generator="imp"), finding(2, OTHER, generator="imp")])
        self.assertEqual((answer["SuccessCount"], answer["FailedCount"]), (1, 1))
        self.assertEqual(answer["FailedFindings"][0]["Id"], "imp-%s-0002" % OTHER)
        self.assertEqual(answer["FailedFindings"][0]["ErrorCode"], "AccessDenied")
        answer = self.member.batch_import_findings(Findings=[finding(3, ADMIN, generator="imp")])
        self.assertEqual(answer["FailedFindings"][0]["ErrorCode"], "AccessDenied")
        bad = finding(4, ADMIN, generator="imp")
        del bad["Severity"]  # required by the service, not by the model (botocore sends it)
        answer = self.admin.batch_import_findings(Findings=[bad])
        self.assertEqual(answer["FailedFindings"][0]["ErrorCode"], "InvalidInput")
        self.assertIn("Severity", answer["FailedFindings"][0]["ErrorMessage"])

    def test_update_reports_processed_not_found_and_duplicated(self):
        mine = [finding(n, ADMIN, generator="upd") for n in range(3)]
        self.assertEqual(import_all(self.admin, mine), [])
        missing = {"Id": "no-such-finding", "ProductArn": PRODUCT}
        answer = self.admin.batch_update_findings(
            FindingIdentifiers=[ident(mine[0]), ident(mine[1]), ident(mine[0]), missing],
            Workflow={"Status": "NOTIFIED"})
        self.assertEqual(answer["ProcessedFindings"], [ident(mine[0]), ident(mine[1])])
        unprocessed = [(u["FindingIdentifier"]["Id"], u["ErrorCode"], u["ErrorMessage"])
                       for u in answer["UnprocessedFindings"]]
        self.assertEqual(unprocessed, [(mine[0]["Id"], "DuplicatedFindingIdentifier", "Finding Identifier is duplicated"),
                                       ("no-such-finding", "FindingNotFound", "Finding Not Found")])
        found = all_findings(self.admin, Filters={"Id": [{"Value": mine[0]["Id"], "Comparison": "EQUALS"}]})
        self.assertEqual(found[0]["Workflow"]["Status"], "NOTIFIED")

    def test_zero_values_are_kept_notes_are_stamped_and_updated_at_is_untouched(self):
        document = finding(7, ADMIN, generator="zero", Confidence=70, Criticality=80)
        self.assertEqual(import_all(self.admin, [document]), [])
        before = datetime.datetime.now(datetime.timezone.utc)
        answer = self.admin.batch_update_findings(
            FindingIdentifiers=[ident(document)], Confidence=0, Criticality=0, Severity={"Normalized": 0},
            Note={"Text": "checked", "UpdatedBy": "suite"})
        self.assertEqual(len(answer["ProcessedFindings"]), 1)
        stored = all_findings(self.admin, Filters={"Id": [{"Value": document["Id"], "Comparison": "EQUALS"}]})[0]
        self.assertEqual((stored["Confidence"], stored["Criticality"], stored["Severity"]["Normalized"]), (0, 0, 0))
        self.assertEqual(stored["UpdatedAt"], document["UpdatedAt"])
        self.assertEqual((stored["Note"]["Text"], stored["Note"]["UpdatedBy"]), ("checked", "suite"))
        stamped = datetime.datetime.fromisoformat(stored["Note"]["UpdatedAt"].replace("Z", "+00:00"))
        self.assertLess(abs((stamped - before).total_seconds()), 60)

    # GetFindings

    def test_string_filters(self):
        self.assertEqual(self.ids({"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]}),
                         self.expect(lambda d: d["Severity"]["Label"] == "HIGH"))
        self.assertEqual(
            self.ids({"SeverityLabel": [{"Value": "LOW", "Comparison": "EQUALS"},
                                        {"Value": "CRITICAL", "Comparison": "EQUALS"}]}),
            self.expect(lambda d: d["Severity"]["Label"] in ("LOW", "CRITICAL")))
        self.assertEqual(
            self.ids({"Id": [{"Value": "gen-%s-00" % ADMIN, "Comparison": "PREFIX"},
                             {"Value": "gen-%s-0001" % ADMIN, "Comparison": "NOT_EQUALS"},
                             {"Value": "gen-%s-002" % ADMIN, "Comparison": "PREFIX_NOT_EQUALS"}]}),
            self.expect(lambda d: d["Id"].startswith("gen-%s-00" % ADMIN) and d["Id"] != "gen-%s-0001" % ADMIN
                        and not d["Id"].startswith("gen-%s-002" % ADMIN)))
        self.assertEqual(self.ids({"Title": [{"Value": "of %s" % MEMBER, "Comparison": "CONTAINS"}]}),
                         self.expect(lambda d: d["AwsAccountId"] == MEMBER))
        self.assertEqual(self.ids({"AwsAccountId": [{"Value": MEMBER, "Comparison": "NOT_EQUALS"}]}),
                         self.expect(lambda d: d["AwsAccountId"] != MEMBER))
        self.assertEqual(self.ids({"ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
                                   "Region": [{"Value": "us-east-1", "Comparison": "EQUALS"}]}),
                         self.expect(lambda d: d["Compliance"]["Status"] == "FAILED"))
        self.assertEqual(self.ids({"Title": [{"Value": "finding", "Comparison": "CONTAINS"}]}), [])  # case-sensitive

    def test_list_valued_paths(self):
        self.assertEqual(self.ids({"ResourceId": [{"Value": "i-0003", "Comparison": "EQUALS"}]}),
                         self.expect(lambda d: d["Resources"][0]["Id"] == "i-0003"))
        self.assertEqual(self.ids({"ResourceId": [{"Value": "i-0003", "Comparison": "NOT_EQUALS"}]}),
                         self.expect(lambda d: d["Resources"][0]["Id"] != "i-0003"))
        self.assertEqual(self.ids({"Type": [{"Value": "Software and Configuration Checks", "Comparison": "PREFIX"}]}),
                         self.expect(lambda d: True))

    def test_number_date_map_ip_and_boolean_filters(self):
        self.assertEqual(self.ids({"Confidence": [{"Gte": 50, "Lte": 60}]}),
                         self.expect(lambda d: 50 <= d["Confidence"] <= 60))
        self.assertEqual(self.ids({"Confidence": [{"Gt": 50, "Lt": 60}]}),
                         self.expect(lambda d: 50 < d["Confidence"] < 60))
        self.assertEqual(self.ids({"UpdatedAt": [{"Start": "2026-11-05T00:00:00Z", "End": "2026-11-10T00:00:00Z"}]}),
                         self.expect(lambda d: "2026-11-05" <= d["UpdatedAt"][:10] <= "2026-11-10"))
        self.assertEqual(self.ids({"CreatedAt": [{"DateRange": {"Value": 36500, "Unit": "DAYS"}}]}),
                         self.expect(lambda d: True))
        self.assertEqual(self.ids({"CreatedAt": [{"DateRange": {"Value": 1, "Unit": "DAYS",
                                                                "Comparison": "OLDER_THAN"}}]}),
                         self.expect(lambda d: True))
        self.assertEqual(self.ids({"ResourceTags": [{"Key": "env", "Value": "prod", "Comparison": "EQUALS"}]}),
                         self.expect(lambda d: d["Resources"][0]["Tags"]["env"] == "prod"))
        self.assertEqual(self.ids({"ProductFields": [{"Key": "scanner/rule", "Value": "R2", "Comparison": "EQUALS"}]}),
                         self.expect(lambda d: d["ProductFields"]["scanner/rule"] == "R2"))
        self.assertEqual(self.ids({"NetworkSourceIpV4": [{"Cidr": "10.0.1.0/24"}]}),
                         self.expect(lambda d: d["Network"]["SourceIpV4"].startswith("10.0.1.")))
        self.assertEqual(self.ids({"Sample": [{"Value": True}]}), self.expect(lambda d: d["Sample"]))

    def test_sort_and_pages_return_every_finding_once(self):
        found = all_findings(self.admin, Filters=GEN, SortCriteria=[{"Field": "Confidence", "SortOrder": "asc"}],
                             PaginationConfig={"PageSize": 9})
        self.assertEqual(sorted(f["Id"] for f in found), self.expect(lambda d: True))
        keys = [(f["Confidence"], f["ProductArn"], f["Id"]) for f in found]
        self.assertEqual(keys, sorted(keys))
        default = all_findings(self.admin, Filters=GEN, PaginationConfig={"PageSize": 13})
        self.assertEqual([f["UpdatedAt"] for f in default], sorted((f["UpdatedAt"] for f in default), reverse=True))

    def test_the_cli_pages_by_itself(self):
        status, out, err = self.server.cli("get-findings", "--filters", json.dumps(GEN), "--page-size", "7",
                                           key="AKIDADMIN", secret="admin-secret-Zq1")
        self.assertEqual(status, 0, err)
        ids = [f["Id"] for f in json.loads(out)["Findings"]]
        self.assertEqual(sorted(ids), self.expect(lambda d: True))
        status, out, err = self.server.cli("get-findings", "--filters", json.dumps(GEN), "--max-items", "5",
                                           key="AKIDADMIN", secret="admin-secret-Zq1")
        self.assertEqual(status, 0, err)
        self.assertEqual(len(json.loads(out)["Findings"]), 5)
        self.assertIn("NextToken", json.loads(out))

    def test_the_cli_updates_and_reports_errors(self):
        document = finding(1, ADMIN, generator="cli")
        self.assertEqual(import_all(self.admin, [document]), [])
        status, out, err = self.server.cli(
            "batch-update-findings", "--finding-identifiers", json.dumps([ident(document)]),
            "--workflow", "Status=RESOLVED", key="AKIDADMIN", secret="admin-secret-Zq1")
        self.assertEqual(status, 0, err)
        self.assertEqual(json.loads(out)["ProcessedFindings"], [ident(document)])
        status, out, err = self.server.cli(
            "batch-update-findings", "--finding-identifiers", json.dumps([ident(document)]),
            "--workflow", "Status=CLOSED", key="AKIDADMIN", secret="admin-secret-Zq1")
        self.assertEqual(status, 255)
        self.assertIn("An error occurred (InvalidInputException) when calling the BatchUpdateFindings operation: "
                      "Workflow.Status: \"CLOSED\" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED", err)

    # Accounts and policies

    def test_a_member_can_neither_see_nor_change_another_accounts_findings(self):
        seen = all_findings(self.member)
        self.assertTrue(seen)
        self.assertEqual({f["AwsAccountId"] for f in seen}, {MEMBER})
        self.assertEqual(len(all_findings(self.other)), 15)
        target = self.data[0]
        answer = self.member.batch_update_findings(FindingIdentifiers=[ident(target)], Note={"Text": "x", "UpdatedBy": "y"})
        self.assertEqual(answer["UnprocessedFindings"][0]["ErrorCode"], "FindingNotFound")
        stored = all_findings(self.admin, Filters={"Id": [{"Value": target["Id"], "Comparison": "EQUALS"}]})[0]
        self.assertNotIn("Note", stored)
        # The administrator reaches its member's findings.
        member_finding = finding(0, MEMBER)
        answer = self.admin.batch_update_findings(FindingIdentifiers=[ident(member_finding)],
                                                  UserDefinedFields={"ticket": "SEC-1"})
        self.assertEqual(answer["ProcessedFindings"], [ident(member_finding)])

    def test_a_deny_policy_blocks_suppressed_but_allows_resolved(self):
        target = ident(finding(5, MEMBER))
        with self.assertRaises(self.member.exceptions.AccessDeniedException) as caught:
            self.member.batch_update_findings(FindingIdentifiers=[target], Workflow={"Status": "SUPPRESSED"})
        self.assertIn("explicit deny", str(caught.exception))
        stored = all_findings(self.member, Filters={"Id": [{"Value": target["Id"], "Comparison": "EQUALS"}]})[0]
        self.assertEqual(stored["Workflow"]["Status"], "NEW")
        answer = self.member.batch_update_findings(FindingIdentifiers=[target], Workflow={"Status": "RESOLVED"})
        self.assertEqual(answer["ProcessedFindings"], [target])

    # Whole-request errors, as botocore raises them

    def assertRaisesCode(self, code, call, message=None):
        with self.assertRaises(ClientError) as caught:
            call()
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], code, caught.exception)
        if message is not None:
            self.assertIn(message, error["Message"])
        self.assertTrue(caught.exception.response["ResponseMetadata"].get("RequestId"))
        return caught.exception

    def test_invalid_input(self):
        one = [ident(self.data[0])]
        error = self.assertRaisesCode("InvalidInputException",
                                      lambda: self.admin.batch_update_findings(FindingIdentifiers=one, Confidence=101))
        self.assertIsInstance(error, self.admin.exceptions.InvalidInputException)
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.batch_update_findings(
            FindingIdentifiers=one * 101, Workflow={"Status": "NEW"}), "1 to 100")
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.get_findings(MaxResults=500), "MaxResults")
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.get_findings(
            Filters={"WorkflowStatus": [{"Value": "NEW", "Comparison": "BOGUS"}]}), "BOGUS")
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.get_findings(
            Filters={"Title": [{"Value": "a", "Comparison": "EQUALS"}, {"Value": "b", "Comparison": "NOT_EQUALS"}]}))
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.get_findings(NextToken="forged-token"),
                              "NextToken")
        page = self.admin.get_findings(Filters=GEN, MaxResults=5)
        self.assertRaisesCode("InvalidInputException", lambda: self.admin.get_findings(
            NextToken=page["NextToken"], Filters={"Title": [{"Value": "x", "Comparison": "PREFIX"}]}), "NextToken")

    def test_authentication_errors(self):
        self.assertRaisesCode("InvalidSignatureException", lambda: self.server.client(
            "AKIDADMIN", "wrong-secret").get_findings(), "signature we calculated does not match")
        skewed = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=6)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=skewed):
            error = self.assertRaisesCode("InvalidSignatureException", lambda: self.admin.get_findings(),
                                          "Signature expired")
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertRaisesCode("UnrecognizedClientException",
                              lambda: self.server.client("AKIDNOBODY", "x").get_findings(), "security token")
        self.assertRaisesCode("UnrecognizedClientException", lambda: self.server.client(
            "AKIDMEMBER", "member-secret-Xw2").get_findings())  # the key's session token not sent
        self.assertRaisesCode("UnrecognizedClientException", lambda: self.server.client(
            "AKIDMEMBER", "member-secret-Xw2", token="another-token").get_findings())
        self.assertRaisesCode("ExpiredTokenException", lambda: self.server.client(
            "AKIDEXPIRED", "expired-secret-Tt5", token="expired-token-Uu6").get_findings(), "expired")
        self.assertRaisesCode("InvalidAccessException", lambda: self.server.client(
            "AKIDNOSUB", "nosub-secret-Vv7").get_findings(), "not subscribed")
        unsigned = self.server.client(signature_version=botocore.UNSIGNED)
        self.assertRaisesCode("MissingAuthenticationTokenException", lambda: unsigned.get_findings())


class ServeQuotaAndFaultTests(unittest.TestCase):
    def test_throttling_is_retried_by_botocore_until_it_succeeds(self):
        server = Server({"accounts": {"000000000000": {}},
                         "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}],
                         "quotas": {"BatchImportFindings": {"rate": 2, "burst": 1}}})
        try:
            client = server.client(retries={"mode": "standard", "max_attempts": 10})
            retries = 0
            for number in range(6):
                answer = client.batch_import_findings(Findings=[finding(number, "000000000000")])
                self.assertEqual(answer["SuccessCount"], 1)
                retries += answer["ResponseMetadata"]["RetryAttempts"]
            self.assertGreater(retries, 0)
            other_region = server.client(region="eu-west-1", retries={"mode": "standard", "max_attempts": 1})
            other_region.batch_import_findings(Findings=[finding(99, "000000000000")])  # a bucket of its own
        finally:
            server.stop()
        log = server.log_text()
        self.assertIn(" 429 ", log)
        self.assertIn("error=TooManyRequestsException", log)

    def test_injected_faults(self):
        server = Server({"accounts": {"000000000000": {}},
                         "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}],
                         "faults": {"seed": 7, "internalErrorRate": 1.0}})
        try:
            # Config(retries={"max_attempts": 2}) counts retries: 3 attempts in all.
            client = server.client(retries={"mode": "standard", "max_attempts": 2})
            with self.assertRaises(client.exceptions.InternalException) as caught:
                client.get_findings()
            self.assertEqual(caught.exception.response["ResponseMetadata"]["RetryAttempts"], 2)
        finally:
            server.stop()
        self.assertEqual(server.log_text().count(" GetFindings 500 "), 3)


ROLE_ARN = "arn:aws:iam::%s:role/triage" % MEMBER
STS_SECRETS = ["caller-secret-Aa1", "other-secret-Bb2"]
STS_CONFIG = {
    "accounts": {ADMIN: {}, MEMBER: {}, OTHER: {}},
    "credentials": [
        {"accessKeyId": "AKIDCALLER", "secretAccessKey": "caller-secret-Aa1", "account": ADMIN},
        {"accessKeyId": "AKIDOTHER", "secretAccessKey": "other-secret-Bb2", "account": OTHER},
    ],
    "roles": [{"arn": ROLE_ARN, "trust": [ADMIN]}],
    "quotas": {"BatchUpdateFindings": OFF, "BatchImportFindings": OFF, "GetFindings": OFF},
}


class ServeSTSClientTests(unittest.TestCase):
    """boto3's STS client against serve (issue 18): AssumeRole, GetCallerIdentity, then a securityhub
    client built from the returned credentials acting as the role's account."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(STS_CONFIG)
        cls.issued = []

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        log = cls.server.log_text()
        secrets = STS_SECRETS + [c["SecretAccessKey"] for c in cls.issued] + [c["SessionToken"] for c in cls.issued]
        leaked = [secret for secret in secrets if secret in log]
        assert not leaked, "the server's log holds secrets or session tokens"
        assert status == 0, "triage serve exited %d after SIGTERM" % status

    def assume(self, **request):
        answer = self.server.sts("AKIDCALLER", "caller-secret-Aa1").assume_role(
            RoleArn=ROLE_ARN, RoleSessionName="boto3-session", **request)
        self.issued.append(answer["Credentials"])
        return answer

    def test_assume_role_gives_credentials_of_the_roles_account(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        answer = self.assume(DurationSeconds=1800)
        credentials = answer["Credentials"]
        self.assertTrue(credentials["AccessKeyId"].startswith("ASIA"))
        expiration = credentials["Expiration"]  # botocore parses it into an aware datetime
        self.assertLessEqual(abs((expiration - before).total_seconds() - 1800), 5)
        user = answer["AssumedRoleUser"]
        self.assertEqual(user["Arn"], "arn:aws:sts::%s:assumed-role/triage/boto3-session" % MEMBER)
        self.assertTrue(user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(":boto3-session"))
        self.assertEqual(answer["ResponseMetadata"]["HTTPStatusCode"], 200)

        securityhub = self.server.client_from(credentials)
        self.assertEqual(import_all(securityhub, [finding(n, MEMBER, generator="sts") for n in range(3)]), [])
        self.assertEqual(import_all(self.server.client("AKIDOTHER", "other-secret-Bb2"),
                                    [finding(0, OTHER, generator="sts")]), [])
        mine = [{"Id": "sts-%s-%04d" % (MEMBER, n), "ProductArn": PRODUCT} for n in range(3)]
        theirs = {"Id": "sts-%s-0000" % OTHER, "ProductArn": PRODUCT}
        answer = securityhub.batch_update_findings(FindingIdentifiers=mine + [theirs], Workflow={"Status": "NOTIFIED"})
        self.assertEqual(len(answer["ProcessedFindings"]), 3)
        self.assertEqual([u["ErrorCode"] for u in answer["UnprocessedFindings"]], ["FindingNotFound"])
        seen = all_findings(securityhub, Filters={"GeneratorId": [{"Value": "sts-", "Comparison": "PREFIX"}]})
        self.assertEqual({f["AwsAccountId"] for f in seen}, {MEMBER})
        self.assertEqual({f["Workflow"]["Status"] for f in seen}, {"NOTIFIED"})

    def test_get_caller_identity(self):
        me = self.server.sts("AKIDCALLER", "caller-secret-Aa1").get_caller_identity()
        self.assertEqual((me["Account"], me["Arn"]), (ADMIN, "arn:aws:iam::%s:user/AKIDCALLER" % ADMIN))
        credentials = self.assume()["Credentials"]
        session = self.server.sts(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                  token=credentials["SessionToken"]).get_caller_identity()
        self.assertEqual(session["Account"], MEMBER)
        self.assertEqual(session["Arn"], "arn:aws:sts::%s:assumed-role/triage/boto3-session" % MEMBER)
        self.assertTrue(session["UserId"].endswith(":boto3-session"))

    def test_sts_errors_are_raised_as_boto3_raises_stss(self):
        other = self.server.sts("AKIDOTHER", "other-secret-Bb2")
        with self.assertRaises(ClientError) as caught:
            other.assume_role(RoleArn=ROLE_ARN, RoleSessionName="nope")
        error = caught.exception.response["Error"]
        self.assertEqual((error["Code"], error["Type"]), ("AccessDenied", "Sender"))
        self.assertEqual(error["Message"], "User: arn:aws:iam::%s:user/AKIDOTHER is not authorized to perform: "
                                           "sts:AssumeRole on resource: %s" % (OTHER, ROLE_ARN))
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(ClientError) as caught:
            self.assume(DurationSeconds=7200)
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationError")
        with self.assertRaises(ClientError) as caught:
            self.server.sts("AKIDCALLER", "wrong").get_caller_identity()
        self.assertEqual(caught.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        with self.assertRaises(ClientError) as caught:
            self.server.sts("AKIDNOBODY", "x").get_caller_identity()
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidClientTokenId")

    def test_a_boto3_profile_with_role_arn_assumes_the_role_through_serve(self):
        directory = tempfile.mkdtemp(prefix="triage-sts-profile-")
        config_path = os.path.join(directory, "config")
        with open(config_path, "w") as handle:
            handle.write("[profile source]\naws_access_key_id = AKIDCALLER\naws_secret_access_key = caller-secret-Aa1\n"
                         "[profile role]\nrole_arn = %s\nsource_profile = source\nregion = us-east-1\n" % ROLE_ARN)
        variables = {"AWS_CONFIG_FILE": config_path, "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                     "AWS_ENDPOINT_URL_STS": self.server.url}
        with mock.patch.dict(os.environ, variables):
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]:
                os.environ.pop(name, None)
            session = boto3.Session(profile_name="role")
            identity = session.client("sts").get_caller_identity()
            self.assertEqual(identity["Arn"].rsplit("/", 2)[:2], ["arn:aws:sts::%s:assumed-role" % MEMBER, "triage"])
            frozen = session.get_credentials().get_frozen_credentials()
            self.issued.append({"SecretAccessKey": frozen.secret_key, "SessionToken": frozen.token})
            securityhub = session.client("securityhub", endpoint_url=self.server.url)
            self.assertEqual(import_all(securityhub, [finding(0, MEMBER, generator="profile")]), [])


if __name__ == "__main__":
    unittest.main()
