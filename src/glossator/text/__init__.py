"""Everything glossator knows about written French, each table and list exactly once.

:mod:`.chars` holds the character tables (apostrophes, spaces, invisible characters,
dashes), :mod:`.french` the language's rules (elision, plurals, accents),
:mod:`.normalize` the offset-keeping normalizations and :mod:`.collation` the
alphabetical order. Nothing here knows about glossaries, matching or files.
"""
