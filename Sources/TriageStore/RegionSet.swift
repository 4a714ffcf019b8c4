/// A set of Region names compared byte for byte, as the store compares its `region` column: the
/// Regions whose findings a `triage serve` caller sees and updates (`docs/serve.md`, Regions).
/// The same set as ``AccountSet``, kept under its own name so that a signature says which column
/// it restricts.
typealias RegionSet = AccountSet
