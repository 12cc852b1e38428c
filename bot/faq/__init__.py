"""FAQ knowledge base: loading, indexing and answering customer questions."""
