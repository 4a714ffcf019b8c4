// `triage serve` (`docs/serve.md`): the findings store as a Security Hub endpoint.
