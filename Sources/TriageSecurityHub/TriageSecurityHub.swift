// The AWS side of `apply --target securityhub`: credentials (Credentials/), Region endpoints
// (Endpoints/) and the Security Hub client that applies batches (Client/).
