import Hummingbird
import NIOCore

/// The per-request context of `triage serve`: Hummingbird's core storage plus the connection, so
/// that an injected `dropConnection` fault can close it without answering.
package struct ServeRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    package let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// 6 MB: a larger body is refused with `413` before it is read.
    package var maxUploadSize: Int { ServeLimits.maxRequestBytes }
}

/// The request limits of `docs/serve.md`.
package enum ServeLimits {
    /// The most a request body may carry: 6 MB (BatchImportFindings' limit per request).
    package static let maxRequestBytes = 6 * 1024 * 1024
    /// Findings per BatchImportFindings request.
    package static let importFindingsPerRequest = 1...100
}
