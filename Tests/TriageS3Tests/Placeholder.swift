// Placeholder until the S3 suites land (the helper building TriageS3 replaces it).
