"""Chinese text helpers shared by the NLU, the FAQ search and PII masking."""
