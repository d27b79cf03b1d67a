"""Answers to the exercises in exercises/: right ones, and the usual mistakes."""
