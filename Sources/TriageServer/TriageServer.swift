// `triage serve` (`shared/spec/serve.md`): the findings store as a Security Hub endpoint.
