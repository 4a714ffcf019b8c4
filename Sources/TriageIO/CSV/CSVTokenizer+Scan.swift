extension CSVTokenizer {
    /// The hot loop: tokenizes `count` bytes at `p`, emitting every record they complete.
    ///
    /// A field's bytes are a "run" `[runStart, runEnd)` of the chunk; a field wholly inside one chunk
    /// becomes a String straight from the chunk (no copy). Only a field that crosses a chunk boundary
    /// or holds a doubled quote is assembled in `buffer`, one `append(contentsOf:)` per run.
    mutating func scan(_ p: UnsafePointer<UInt8>, _ count: Int, _ emit: (CSVEvent) -> Void) {
        let n = count
        var i = 0
        var runStart = 0
        var runEnd = 0
        /// Index in this chunk where the current record starts (0 if it started in an earlier chunk).
        var recordStart = 0
        var state = self.state

        @inline(__always)
        func run(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: p + from, count: to &- from)
        }

        while i < n {
            switch state {
            case .fieldStart:
                if p[i] == CSVTokenizer.quote {
                    i &+= 1
                    runStart = i
                    state = .quoted
                } else {
                    runStart = i
                    state = .unquoted
                }

            case .unquoted:
                // Every special byte (LF 0x0A, CR 0x0D, comma 0x2C) is <= 0x2C: one compare for most bytes.
                while i < n {
                    let b = p[i]
                    if b > CSVTokenizer.comma
                        || (b != CSVTokenizer.comma && b != CSVTokenizer.lf && b != CSVTokenizer.cr)
                    {
                        i &+= 1
                    } else {
                        break
                    }
                }
                guard i < n else { break }
                let b = p[i]
                if b == CSVTokenizer.comma {
                    endField(run(runStart, i), raw: carried &+ i &- recordStart)
                    i &+= 1
                    state = .fieldStart
                } else if b == CSVTokenizer.lf {
                    endField(run(runStart, i), raw: carried &+ i &- recordStart)
                    endRecord(raw: carried &+ i &- recordStart, emit)
                    i &+= 1
                    recordStart = i
                    state = .fieldStart
                } else if i &+ 1 < n {
                    if p[i &+ 1] == CSVTokenizer.lf {
                        endField(run(runStart, i), raw: carried &+ i &- recordStart)
                        endRecord(raw: carried &+ i &+ 1 &- recordStart, emit)
                        i &+= 2
                        recordStart = i
                        state = .fieldStart
                    } else {
                        i &+= 1  // a lone CR is data
                    }
                } else {
                    runEnd = i  // CR at the end of the chunk: the next chunk decides
                    i &+= 1
                    state = .unquotedCR
                }

            case .unquotedCR:
                // Only at the start of a chunk: the previous chunk ended with CR inside an unquoted field.
                if p[i] == CSVTokenizer.lf {
                    endField(run(i, i), raw: carried &+ i &- recordStart)
                    endRecord(raw: carried &+ i &- recordStart, emit)
                    i &+= 1
                    recordStart = i
                    state = .fieldStart
                } else {
                    if failure == nil { buffer.append(CSVTokenizer.cr) }
                    runStart = i
                    state = .unquoted
                }

            case .quoted:
                // Special bytes are `"` (0x22) and LF (0x0A, counted as a physical line).
                while i < n {
                    let b = p[i]
                    if b > CSVTokenizer.quote {
                        i &+= 1
                    } else if b == CSVTokenizer.quote {
                        break
                    } else {
                        if b == CSVTokenizer.lf { line &+= 1 }
                        i &+= 1
                    }
                }
                guard i < n else { break }
                runEnd = i
                i &+= 1
                state = .quoteInQuoted

            case .quoteInQuoted:
                if p[i] == CSVTokenizer.quote {
                    // A doubled quote: keep the run before the first quote, start the next run at the second.
                    if failure == nil && runEnd > runStart { buffer.append(contentsOf: run(runStart, runEnd)) }
                    runStart = i
                    i &+= 1
                    state = .quoted
                } else {
                    endField(run(runStart, runEnd), raw: carried &+ i &- recordStart)
                    state = .afterQuote  // this byte is looked at there
                }

            case .afterQuote:
                let b = p[i]
                if b == CSVTokenizer.comma {
                    i &+= 1
                    state = .fieldStart
                } else if b == CSVTokenizer.lf {
                    endRecord(raw: carried &+ i &- recordStart, emit)
                    i &+= 1
                    recordStart = i
                    state = .fieldStart
                } else if b == CSVTokenizer.cr {
                    i &+= 1
                    state = .afterQuoteCR
                } else if b == CSVTokenizer.space || b == CSVTokenizer.tab {
                    i &+= 1
                } else {
                    fail(CSVTokenizer.unexpectedReason(b, field: fieldIndex))
                    runStart = i
                    state = .unquoted  // resynchronise: the rest of the field is unquoted text
                }

            case .afterQuoteCR:
                if p[i] == CSVTokenizer.lf {
                    endRecord(raw: carried &+ i &- recordStart, emit)
                    i &+= 1
                    recordStart = i
                    state = .fieldStart
                } else {
                    fail(CSVTokenizer.unexpectedReason(CSVTokenizer.cr, field: fieldIndex))
                    runStart = i
                    state = .unquoted
                }
            }
        }

        // End of chunk: check the limit first, so an over-long record is never buffered.
        carried &+= n &- recordStart
        if carried > maxRecordBytes && failure == nil { fail(tooLongReason) }
        if failure == nil {
            switch state {
            case .unquoted, .quoted:
                if n > runStart { buffer.append(contentsOf: run(runStart, n)) }
            case .unquotedCR, .quoteInQuoted:
                if runEnd > runStart { buffer.append(contentsOf: run(runStart, runEnd)) }
            case .fieldStart, .afterQuote, .afterQuoteCR:
                break
            }
        }
        self.state = state
    }
}
