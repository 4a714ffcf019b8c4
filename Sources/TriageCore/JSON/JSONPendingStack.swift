/// A last-in-first-out store for the items of open containers while a tree is built. A closing
/// container moves (not copies) its items out into one exactly-sized array, so building a tree
/// costs one allocation per container and no reference-count traffic for the items.
///
/// Starts in caller-provided storage (a small temporary buffer on the stack) and moves to the
/// heap, doubling, when that is full. Noncopyable: it owns its items and frees them in `deinit`.
struct JSONPendingStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var ownsStorage = false
    /// Items held.
    private(set) var count = 0

    /// A stack that uses `initialStorage` (uninitialized, outliving the stack) until it is full.
    init(initialStorage: UnsafeMutableBufferPointer<Element>) {
        storage = initialStorage.baseAddress!
        capacity = initialStorage.count
    }

    deinit {
        storage.deinitialize(count: count)
        if ownsStorage { storage.deallocate() }
    }

    /// Adds `element` on top.
    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count &+= 1
    }

    /// The top item, in place. - Precondition: not empty.
    var top: Element {
        @inline(__always) _read { yield storage[count &- 1] }
        @inline(__always) _modify { yield &storage[count &- 1] }
    }

    /// Removes and returns the top item. - Precondition: not empty.
    @inline(__always)
    mutating func pop() -> Element {
        count &-= 1
        return (storage + count).move()
    }

    /// Removes the items from `start` (an earlier `count`) on, handing them over in push order:
    /// the caller must move them out of the returned buffer before the next push.
    @inline(__always)
    mutating func popItems(from start: Int) -> UnsafeMutableBufferPointer<Element> {
        let items = UnsafeMutableBufferPointer(start: storage + start, count: count &- start)
        count = start
        return items
    }

    private mutating func grow() {
        let newCapacity = Swift.max(capacity * 2, 16)
        let newStorage = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        if ownsStorage { storage.deallocate() }
        storage = newStorage
        capacity = newCapacity
        ownsStorage = true
    }
}
