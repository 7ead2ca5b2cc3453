"""The one compiled module (docgen/_framestack.c, see docgen/process.py); all else is in pyproject.toml.

Optional: without a C compiler and Python's headers docgen installs and runs the same, slower."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("docgen._framestack", ["src/docgen/_framestack.c"], optional=True)])
