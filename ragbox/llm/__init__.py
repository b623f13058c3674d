"""The model runtime: the LLM an answer is written with, wherever it runs.

``generator``: the ``Generator`` interface every backend implements, the ``Prompt`` it is given.
``llama_backend``: llama.cpp, the only module importing llama_cpp (run only inside the worker).
``model_worker``: ``python -m ragbox.llm.model_worker``, the process that runs llama.cpp.
``model_process``: ``WorkerGenerator``, the engine's side of the worker.
``crash_reports``: why a worker died or hung, in one line with the fix; whether a model fits.
``worker_faults``: deterministic crashes of the worker, for the tests.
``server_backend``: an OpenAI-compatible server (``llm.base_url``) as the LLM.
``server_confinement``: ``BaseUrlClient``, asking that server from a sealed child that reaches it only.
``server_worker``: ``python -m ragbox.llm.server_worker``, that sealed child.
``scripted_backend``: no model, a scripted answer (``llm.backend = "scripted"``), for the tests.
``model_catalog``: the GGUF models on this machine, and the one resolver of a model path or name.
``model_files``: the bundled GGUF, assembled once into the cache.
``gguf_header``: a GGUF file's header, read without loading the model.
``model_facts``: a model's facts, the memory it needs, its licence and openness.
``model_service``: builds the backend the settings name; lists and checks models.
``llm_slot``: the engine's LLM, built on first use, switched at run time, stopped with it.
May import: the shared top-level modules only (never ``ragbox.answer``: answers use the runtime).
"""
