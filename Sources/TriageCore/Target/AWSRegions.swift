/// The names of the AWS Regions, as botocore 1.43.11 lists them in `botocore/data/partitions.json`:
/// commercial (`aws`), China (`aws-cn`), GovCloud (`aws-us-gov`), the isolated partitions
/// (`aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`) and the European Sovereign Cloud
/// (`aws-eusc`). The `*-global` pseudo-Regions that file also lists (signing names of global
/// endpoints) are left out: no Security Hub endpoint is scoped to them.
///
/// `triage serve` accepts a signature only when its credential scope names one of these, as
/// Security Hub refuses a scope that names no Region it serves (`docs/serve.md`). A test checks
/// the list against the installed botocore's `partitions.json`.
public enum AWSRegions {
    /// Every Region name, e.g. `us-east-1`, `cn-north-1`, `us-gov-west-1`.
    public static let names: Set<String> = commercial.union(china).union(govCloud).union(isolated)

    /// The `aws` partition.
    public static let commercial: Set<String> = [
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
        "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
        "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
        "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
        "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ]

    /// The `aws-cn` partition.
    public static let china: Set<String> = ["cn-north-1", "cn-northwest-1"]

    /// The `aws-us-gov` partition.
    public static let govCloud: Set<String> = ["us-gov-east-1", "us-gov-west-1"]

    /// The `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f` and `aws-eusc` partitions.
    public static let isolated: Set<String> = [
        "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1",
        "us-isof-south-1", "eusc-de-east-1",
    ]
}
