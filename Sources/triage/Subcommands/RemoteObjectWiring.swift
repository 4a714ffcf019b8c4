import Foundation
import TriageIO
import TriageS3

/// Wires S3 in for `s3://` inputs and outputs (`docs/s3.md`): TriageIO asks ``RemoteObjects`` for
/// the store, made on the first `s3://` path with the run's own credentials (the default chain).
enum RemoteObjectWiring {
    /// Installs the S3 store's maker: Region `region` (`--region`; else `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, us-east-1), credentials of `profile` (`--profile`) or the chain.
    static func install(region: String? = nil, profile: String? = nil) {
        let environment = ProcessInfo.processInfo.environment
        RemoteObjects.install { () throws(TriageIOError) -> any RemoteObjectStore in
            try S3ObjectStore(settings: S3Settings(environment: environment, region: region, profile: profile))
        }
    }
}
