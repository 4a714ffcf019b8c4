/// Lets a per-finding code be the failure of a `Result` (``CustomerState/applying(_:now:providerBytes:)``).
extension ErrorCode: Error {}
