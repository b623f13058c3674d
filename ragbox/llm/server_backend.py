"""An OpenAI-compatible server as the answering LLM: llama.cpp's llama-server, ``python -m
llama_cpp.server``, Ollama, LM Studio, vLLM.

The grounded prompt goes to ``<base_url>/chat/completions`` (or ``/completions`` for a completion
prompt) and the answer streams back as server-sent events. Token counts for the prompt budget come
from the server's own tokenizer where it offers one (llama-server and vLLM ``/tokenize``,
llama_cpp.server ``/extras/tokenize/count``), else from a generous estimate. ``config`` refuses a
base_url off this machine unless ``llm.allow_remote`` is set.
"""

from __future__ import annotations

import json
import math
import queue
import threading
from typing import Iterator
from urllib.parse import urlsplit

from ragbox.errors import ModelError
from ragbox.llm.generator import COMPLETION_STOPS, Generator, Prompt

POLL_S = 0.1
BYTES_PER_TOKEN_ESTIMATE = 3  # tokenizers average about 4 characters of English a token: 3 is generous
_END = object()


class ServerGenerator(Generator):
    def __init__(self, base_url: str, model: str = "", api_key: str = "", n_ctx: int = 2048,
                 temperature: float = 0.0, seed: int = 0, prompt_style: str = "auto",
                 timeout_s: float = 60.0, transport=None) -> None:
        """``transport``: how connections are made (the sealed client's come from ragbox)."""
        import httpx

        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.root = f"{parts.scheme}://{parts.netloc}"  # tokenize endpoints live outside /v1
        self.model = model
        self.context_size = n_ctx
        self.temperature = temperature
        self.seed = seed
        self.timeout_s = timeout_s
        self._style = prompt_style
        self.model_path = None
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout_s, connect=5.0), transport=transport)
        self._models: list[str] | None = None
        self._counter = None  # how this server counts tokens, once found
        self.token_counts_exact = False

    @property
    def name(self) -> str:
        return f"{self.model or 'default model'} @ {urlsplit(self.base_url).netloc}"

    @property
    def loaded(self) -> bool:
        return self._models is not None

    def _request(self, method: str, url: str, **kwargs):
        import httpx

        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise ModelError("The LLM server stopped responding", f"no reply from {url} within "
                             f"{self.timeout_s:g} s (llm.timeout_s)") from None
        except httpx.HTTPError as exc:
            raise ModelError("Cannot reach the LLM server", f"{url}: {exc or type(exc).__name__}; "
                             "is it running? (llm.base_url)") from None

    def load(self) -> None:
        """Check the server answers and serves ``llm.model``; the first model is used when unset."""
        if self._models is not None:
            return
        response = self._request("GET", f"{self.base_url}/models")
        if response.status_code != 200:
            raise ModelError("The LLM server refused to list its models",
                             f"HTTP {response.status_code} from {self.base_url}/models: {response.text[:200]}")
        models = [m.get("id", "") for m in response.json().get("data", []) if isinstance(m, dict)]
        if self.model and models and self.model not in models:
            raise ModelError(f"The LLM server has no model '{self.model}'",
                             f"it serves {', '.join(models[:8])} (llm.model)")
        if not self.model and models:
            self.model = models[0]
        self._models = models

    def close(self) -> None:
        self._client.close()

    # --- the Generator interface ----------------------------------------------------------------
    def prompt_style(self) -> str:
        return "chat" if self._style == "auto" else self._style  # servers apply the model's template

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_many([text])[0]

    def count_tokens_many(self, texts: list[str]) -> list[int]:
        if self._counter is None:
            self._counter = self._find_counter()
        return [self._counter(text) for text in texts]

    def _find_counter(self):
        """The server's own tokenizer, or the estimate. A count includes the tokens the endpoint
        adds to any text (a BOS), so the count of "" is taken off."""
        body = {"model": self.model} if self.model else {}
        for url, make, read in ((f"{self.root}/extras/tokenize/count", lambda t: {**body, "input": t},
                                 lambda r: r["count"]),
                                (f"{self.root}/tokenize", lambda t: {**body, "content": t, "prompt": t},
                                 lambda r: r["count"] if "count" in r else len(r["tokens"]))):
            try:
                response = self._client.post(url, json=make(""))
                baseline = read(response.json()) if response.status_code == 200 else None
            except Exception:
                baseline = None
            if baseline is not None:
                self.token_counts_exact = True
                return lambda text, url=url, make=make, read=read, base=baseline: (
                    read(self._request("POST", url, json=make(text)).json()) - base)
        return lambda text: math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN_ESTIMATE)

    def stream(self, prompt: Prompt, max_tokens: int) -> Iterator[str]:
        self.load()
        body = {"max_tokens": max_tokens, "temperature": self.temperature, "seed": self.seed, "stream": True}
        if self.model:
            body["model"] = self.model
        if prompt.style == "chat":
            url, body["messages"] = f"{self.base_url}/chat/completions", prompt.messages
        else:
            url, body["prompt"], body["stop"] = f"{self.base_url}/completions", prompt.text, COMPLETION_STOPS
        events: queue.Queue = queue.Queue()
        stop = threading.Event()
        open_response: list = []
        threading.Thread(target=self._read_events, args=(url, body, events, stop, open_response), daemon=True,
                         name="llm-server").start()
        try:
            while True:
                try:
                    event = events.get(timeout=POLL_S)
                except queue.Empty:
                    yield ""  # the server is still reading the prompt: the caller may cancel now
                    continue
                if event is _END:
                    return
                if isinstance(event, ModelError):
                    raise event
                yield event
        finally:
            stop.set()
            for response in open_response:
                response.close()  # the server sees the connection close and stops generating

    def _read_events(self, url: str, body: dict, events: queue.Queue, stop: threading.Event,
                     open_response: list) -> None:
        import httpx

        try:
            with self._client.stream("POST", url, json=body) as response:
                open_response.append(response)
                if response.status_code != 200:
                    response.read()
                    events.put(ModelError("The LLM server refused the request",
                                          f"HTTP {response.status_code} from {url}: {response.text[:300]}"))
                    return
                for line in response.iter_lines():
                    if stop.is_set():
                        return
                    text = _event_text(line, body.get("messages") is not None)
                    if text is _END:
                        break
                    if text:
                        events.put(text)
        except httpx.TimeoutException:
            events.put(ModelError("The LLM server stopped responding",
                                  f"no token from {url} for {self.timeout_s:g} s (llm.timeout_s)"))
        except httpx.HTTPError as exc:
            if not stop.is_set():
                events.put(ModelError("The LLM server connection failed", f"{url}: {exc or type(exc).__name__}"))
        events.put(_END)


def _event_text(line: str, chat: bool):
    """The text of one server-sent event line; ``_END`` at ``data: [DONE]``."""
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return _END
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    if chat:
        return (choice.get("delta") or {}).get("content") or ""
    return choice.get("text") or ""
