"""Small textbook-style implementations, correct and with one realistic mistake each."""
