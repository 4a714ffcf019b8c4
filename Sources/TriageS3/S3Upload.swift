#if canImport(Glibc)
import Glibc
#endif

/// Uploads one finished local file as an S3 object: one PutObject up to
/// ``S3Settings/multipartThreshold`` bytes, else a multipart upload of
/// ``S3Settings/partBytes`` parts (CreateMultipartUpload, UploadPart each, then
/// CompleteMultipartUpload). The object appears only when the last call succeeds; a multipart
/// upload that fails is aborted (AbortMultipartUpload), so no parts are left behind to pay for.
/// Memory: one part (or the whole small file) at a time.
struct S3Upload {
    let client: S3Client
    let settings: S3Settings
    let target: S3Endpoint.Target

    /// Sends `file` (an open descriptor positioned anywhere: read with `pread`) of `size` bytes.
    func send(descriptor: Int32, size: Int64) throws(S3Failure) {
        if size <= Int64(settings.multipartThreshold) {
            let body = try read(descriptor, at: 0, count: Int(size))
            _ = try client.send(.PUT, target, body: body)
            return
        }
        let created = try client.send(.POST, target, query: "uploads")
        guard let uploadId = S3XML.value(of: "UploadId", in: String(decoding: created.body, as: UTF8.self)) else {
            throw S3Failure(detail: "S3 answered CreateMultipartUpload without an UploadId")
        }
        let encodedId = Self.queryEncoded(uploadId)
        do throws(S3Failure) {
            var parts: [String] = []
            var offset: Int64 = 0
            while offset < size {
                let count = Int(min(Int64(settings.partBytes), size - offset))
                let body = try read(descriptor, at: offset, count: count)
                let answer = try client.send(
                    .PUT, target, query: "partNumber=\(parts.count + 1)&uploadId=\(encodedId)", body: body)
                guard let tag = answer.header("ETag") else {
                    throw S3Failure(detail: "S3 answered UploadPart \(parts.count + 1) without an ETag")
                }
                parts.append(tag)
                offset += Int64(count)
            }
            var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            for (index, tag) in parts.enumerated() {
                xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escaped(tag))</ETag></Part>"
            }
            xml += "</CompleteMultipartUpload>"
            let completed = try client.send(
                .POST, target, query: "uploadId=\(encodedId)", headers: [("Content-Type", "application/xml")],
                body: Array(xml.utf8))
            // S3 may answer 200 and put the error in the body (a failure late in the completion).
            if String(decoding: completed.body, as: UTF8.self).contains("<Error>") {
                throw S3Client.failure(S3Client.Response(status: 500, headers: completed.headers, body: completed.body))
            }
        } catch {
            _ = try? client.send(.DELETE, target, query: "uploadId=\(encodedId)", expecting: [204, 200, 404])
            throw error
        }
    }

    /// `count` bytes of `descriptor` from `offset`.
    private func read(_ descriptor: Int32, at offset: Int64, count: Int) throws(S3Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw S3Failure(detail: "cannot read the staged file: \(String(cString: strerror(errno)))")
            }
            done += got
        }
        return bytes
    }

    /// A query value percent-encoded (an upload id may hold `+`, `/` or `=`).
    static func queryEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
