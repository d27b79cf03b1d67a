"""Data: the worked examples (plain lists), the IDX reader, the verified MNIST download and
cache, and saving and loading networks. Importing the package loads nothing else."""
