"""The NLP stage: gate -> spaCy/medspaCy pipeline -> mentions."""
