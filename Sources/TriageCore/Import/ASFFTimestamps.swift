/// The timestamp members of an ASFF finding and their check at import (Security Hub's "Timestamps"
/// rules, ``FindingTimestamp/Rules/securityHub``).
///
/// A finding with a timestamp that breaks the rules fails import with the service's answer:
/// `InvalidInput`, "Finding does not adhere to Amazon Finding Format. data.<path> should match
/// format "date-time"." The check walks the document's bytes along ``paths`` only (layouts, no
/// values built), so it costs one scan of the members that can hold timestamps.
package enum ASFFTimestamps {
    /// Every string member of `AwsSecurityFinding` whose API reference points to the "Timestamps"
    /// rules, as paths (`[]` = each element of a list). Taken from the Security Hub service model
    /// (botocore 1.43.11, `securityhub/2018-10-26/service-2.json`: the members whose
    /// documentation says "For more information about the validation and formatting of timestamp
    /// fields ... see Timestamps"); `AwsKmsKey.CreationDate`, a number, is not a string timestamp.
    package static let paths: [String] = [
        "FirstObservedAt",
        "LastObservedAt",
        "CreatedAt",
        "UpdatedAt",
        "Process.LaunchedAt",
        "Process.TerminatedAt",
        "ThreatIntelIndicators[].LastObservedAt",
        "Note.UpdatedAt",
        "Vulnerabilities[].Vendor.VendorCreatedAt",
        "Vulnerabilities[].Vendor.VendorUpdatedAt",
        "PatchSummary.OperationStartTime",
        "PatchSummary.OperationEndTime",
        "Action.AwsApiCallAction.FirstSeen",
        "Action.AwsApiCallAction.LastSeen",
        "ProcessedAt",
        "Resources[].Details.AwsAutoScalingAutoScalingGroup.CreatedTime",
        "Resources[].Details.AwsCloudFrontDistribution.LastModifiedTime",
        "Resources[].Details.AwsEc2Instance.LaunchedAt",
        "Resources[].Details.AwsEc2NetworkInterface.Attachment.AttachTime",
        "Resources[].Details.AwsEc2Volume.CreateTime",
        "Resources[].Details.AwsElbv2LoadBalancer.CreatedTime",
        "Resources[].Details.AwsS3Bucket.CreatedAt",
        "Resources[].Details.AwsS3Bucket.BucketLifecycleConfiguration.Rules[].ExpirationDate",
        "Resources[].Details.AwsS3Bucket.BucketLifecycleConfiguration.Rules[].Transitions[].Date",
        "Resources[].Details.AwsS3Object.LastModified",
        "Resources[].Details.AwsIamAccessKey.CreatedAt",
        "Resources[].Details.AwsIamAccessKey.SessionContext.Attributes.CreationDate",
        "Resources[].Details.AwsIamUser.CreateDate",
        "Resources[].Details.AwsIamPolicy.CreateDate",
        "Resources[].Details.AwsIamPolicy.PolicyVersionList[].CreateDate",
        "Resources[].Details.AwsIamPolicy.UpdateDate",
        "Resources[].Details.AwsApiGatewayV2Stage.CreatedDate",
        "Resources[].Details.AwsApiGatewayV2Stage.LastUpdatedDate",
        "Resources[].Details.AwsApiGatewayV2Api.CreatedDate",
        "Resources[].Details.AwsDynamoDbTable.BillingModeSummary.LastUpdateToPayPerRequestDateTime",
        "Resources[].Details.AwsDynamoDbTable.CreationDateTime",
        "Resources[].Details.AwsDynamoDbTable.GlobalSecondaryIndexes[].ProvisionedThroughput.LastDecreaseDateTime",
        "Resources[].Details.AwsDynamoDbTable.GlobalSecondaryIndexes[].ProvisionedThroughput.LastIncreaseDateTime",
        "Resources[].Details.AwsDynamoDbTable.ProvisionedThroughput.LastDecreaseDateTime",
        "Resources[].Details.AwsDynamoDbTable.ProvisionedThroughput.LastIncreaseDateTime",
        "Resources[].Details.AwsDynamoDbTable.RestoreSummary.RestoreDateTime",
        "Resources[].Details.AwsDynamoDbTable.SseDescription.InaccessibleEncryptionDateTime",
        "Resources[].Details.AwsApiGatewayStage.CreatedDate",
        "Resources[].Details.AwsApiGatewayStage.LastUpdatedDate",
        "Resources[].Details.AwsApiGatewayRestApi.CreatedDate",
        "Resources[].Details.AwsCertificateManagerCertificate.CreatedAt",
        "Resources[].Details.AwsCertificateManagerCertificate.ImportedAt",
        "Resources[].Details.AwsCertificateManagerCertificate.IssuedAt",
        "Resources[].Details.AwsCertificateManagerCertificate.NotAfter",
        "Resources[].Details.AwsCertificateManagerCertificate.NotBefore",
        "Resources[].Details.AwsCertificateManagerCertificate.RenewalSummary.UpdatedAt",
        "Resources[].Details.AwsRedshiftCluster.ClusterCreateTime",
        "Resources[].Details.AwsRedshiftCluster.DeferredMaintenanceWindows[].DeferMaintenanceEndTime",
        "Resources[].Details.AwsRedshiftCluster.DeferredMaintenanceWindows[].DeferMaintenanceStartTime",
        "Resources[].Details.AwsRedshiftCluster.ExpectedNextSnapshotScheduleTime",
        "Resources[].Details.AwsRedshiftCluster.NextMaintenanceWindowStartTime",
        "Resources[].Details.AwsRedshiftCluster.LoggingStatus.LastFailureTime",
        "Resources[].Details.AwsRedshiftCluster.LoggingStatus.LastSuccessfulDeliveryTime",
        "Resources[].Details.AwsElbLoadBalancer.CreatedTime",
        "Resources[].Details.AwsIamGroup.CreateDate",
        "Resources[].Details.AwsIamRole.CreateDate",
        "Resources[].Details.AwsIamRole.InstanceProfileList[].CreateDate",
        "Resources[].Details.AwsIamRole.InstanceProfileList[].Roles[].CreateDate",
        "Resources[].Details.AwsLambdaFunction.LastModified",
        "Resources[].Details.AwsLambdaLayerVersion.CreatedDate",
        "Resources[].Details.AwsRdsDbInstance.InstanceCreateTime",
        "Resources[].Details.AwsRdsDbInstance.LatestRestorableTime",
        "Resources[].Details.AwsRdsDbClusterSnapshot.SnapshotCreateTime",
        "Resources[].Details.AwsRdsDbClusterSnapshot.ClusterCreateTime",
        "Resources[].Details.AwsRdsDbCluster.ClusterCreateTime",
        "Resources[].Details.Container.LaunchedAt",
        "Resources[].Details.AwsRdsEventSubscription.SubscriptionCreationTime",
        "Resources[].Details.AwsAutoScalingLaunchConfiguration.CreatedTime",
        "Resources[].Details.AwsEc2VpnConnection.VgwTelemetry[].LastStatusChange",
        "Resources[].Details.AwsEcrContainerImage.ImagePublishedAt",
    ]

    /// The message of the first timestamp in the finding (document order) that breaks the rules,
    /// or `nil` when all of them follow them.
    package static func violation(in document: UnsafeRawBufferPointer, layout: JSONObjectLayout) -> String? {
        guard let found = violation(in: document, members: layout, children: root.children) else { return nil }
        return "Finding does not adhere to Amazon Finding Format. data\(found.path) \(found.reason)."
    }

    /// One step of a path: a member name, whether its value is a list (each element then
    /// continues the path), and the members below it (none: the value is a timestamp).
    struct Node: Sendable {
        var name: [UInt8]
        var isList = false
        var children: [Node] = []
    }

    /// The paths as a tree, built once.
    static let root: Node = {
        var root = Node(name: [])
        for path in paths { insert(path.split(separator: ".").map(String.init)[...], into: &root) }
        return root
    }()

    private static func insert(_ steps: ArraySlice<String>, into node: inout Node) {
        guard var step = steps.first else { return }
        let isList = step.hasSuffix("[]")
        if isList { step.removeLast(2) }
        let name = Array(step.utf8)
        if let index = node.children.firstIndex(where: { $0.name == name }) {
            insert(steps.dropFirst(), into: &node.children[index])
        } else {
            var child = Node(name: name, isList: isList)
            insert(steps.dropFirst(), into: &child)
            node.children.append(child)
        }
    }

    private typealias Found = (path: String, reason: String)

    /// The first violation among the members of an object that the path tree names.
    private static func violation(
        in document: UnsafeRawBufferPointer, members layout: JSONObjectLayout, children: [Node]
    ) -> Found? {
        for member in layout.members {
            let key = UnsafeRawBufferPointer(rebasing: document[member.key])
            for child in children where key.elementsEqual(child.name) {
                if let found = violation(in: document, value: member.value, node: child) {
                    return (".\(String(decoding: child.name, as: UTF8.self))\(found.path)", found.reason)
                }
            }
        }
        return nil
    }

    /// The first violation in the value of a member the path tree names (each element of it
    /// when it is a list). A value of another type than the path expects is left to the rest of
    /// import (*choice*: this check is about timestamps).
    private static func violation(in document: UnsafeRawBufferPointer, value: Range<Int>, node: Node) -> Found? {
        guard node.isList else { return violation(in: document, element: value, node: node) }
        guard document[value.lowerBound] == UInt8(ascii: "["),
            let elements = try? JSONArrayLayout.elements(in: document, arrayAt: value.lowerBound)
        else { return nil }
        for (index, element) in elements.enumerated() {
            if let found = violation(in: document, element: element, node: node) {
                return ("[\(index)]\(found.path)", found.reason)
            }
        }
        return nil
    }

    private static func violation(in document: UnsafeRawBufferPointer, element: Range<Int>, node: Node) -> Found? {
        if node.children.isEmpty {
            return isTimestamp(document, element) ? nil : ("", reason(document, element))
        }
        guard document[element.lowerBound] == UInt8(ascii: "{"),
            let layout = try? JSONObjectLayout.scan(document, objectAt: element.lowerBound)
        else { return nil }
        return violation(in: document, members: layout, children: node.children)
    }

    /// Whether the JSON value at `range` is a string that follows Security Hub's rules.
    private static func isTimestamp(_ document: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        guard range.count >= 2, document[range.lowerBound] == UInt8(ascii: "\"") else { return false }
        let inner = UnsafeRawBufferPointer(rebasing: document[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !inner.contains(UInt8(ascii: "\\")) {
            return FindingTimestamp(utf8: inner, rules: .securityHub) != nil
        }
        guard case .string(let text)? = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: document[range]))
        else { return false }
        return FindingTimestamp(text, rules: .securityHub) != nil
    }

    private static func reason(_ document: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        document[range.lowerBound] == UInt8(ascii: "\"") ? #"should match format "date-time""# : "should be string"
    }
}
