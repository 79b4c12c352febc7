"""The only code that knows ``--cache-dir``: loaded glossaries and compiled matchers
kept on disk, and the column file format they are kept in."""
