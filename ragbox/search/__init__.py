"""Search: from a question to ranked passages.

``query`` parses a question (context clause, quoted phrases, keyword expression), ``retrieval``
fuses the vector and keyword rankings, ``focus`` ranks again inside the documents a question is
about (and ranks their pages), ``naming`` finds the files a question names, ``resolver`` the
documents it names by their cards, ``abbreviations``, ``filings`` (statement synonyms, fiscal
years) and ``reranking`` help them, ``scope`` matches path globs, and ``evaluation`` measures it
all on labelled questions.
May import: ``ragbox.store`` and the shared top-level modules.
"""
