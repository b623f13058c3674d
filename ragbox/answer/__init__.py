"""Answer: from ranked passages to a cited answer.

``prompting`` builds the grounded prompt, ``generation`` runs the LLM (the only module importing
llama_cpp), ``model_files`` finds the GGUF, ``citations`` ties an answer to its sources and quotes
them, ``followups`` makes a follow-up question standalone, ``conversation`` records the turns.
May import: the shared top-level modules only (it is handed passages, not the store).
"""
