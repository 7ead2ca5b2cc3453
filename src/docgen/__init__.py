"""docgen: author a UN document once as YAML, publish it as PDF, Word and Akoma Ntoso.

The pipeline is a small compiler:
  readers (YAML -> typed model, validated)  ->  transforms (numbers, checks)  ->  writers (one per format).
"""

__version__ = "0.1.0"
