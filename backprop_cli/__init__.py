"""The command lines of both packages, the comparison and speedup tools, the matrix trace,
plots and the progress bar. Importing the package loads nothing else."""
