"""What the llama.cpp engine sends and how it reads the stream back, without a model."""

import threading

import pytest

from trustbench.providers.local.generation import Request, Settings
from trustbench.providers.local.llamacpp_engine import LlamaCppError, _body, _Stream


def test_a_greedy_request_asks_for_nothing_but_the_most_likely_tokens():
    body = _body(Request("Hello", ("\nUser:",), Settings(max_new_tokens=7)))
    assert body["prompt"] == "Hello"
    assert body["max_tokens"] == 7
    assert body["temperature"] == 0.0
    assert body["stop"] == ["\nUser:"]
    assert "seed" not in body
    assert body["stream"] and body["stream_options"] == {"include_usage": True}
    assert body["cache_prompt"]


def test_sampling_uses_exactly_the_given_settings():
    settings = Settings(max_new_tokens=5, temperature=0.7, top_p=0.9, top_k=None, seed=3)
    body = _body(Request("Hi", (), settings))
    assert (body["temperature"], body["top_p"], body["seed"]) == (0.7, 0.9, 3)
    # llama.cpp's own defaults (top-k 40, min-p 0.05) would narrow what was asked for
    assert (body["top_k"], body["min_p"]) == (0, 0.0)


def test_a_conversation_goes_to_the_chat_template_as_messages():
    request = Request((("system", "Be brief."), ("user", "Hi")), (), Settings(max_new_tokens=4))
    body = _body(request)
    assert "prompt" not in body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]


def completion_chunks(texts: list[str], finish: str) -> list[dict]:
    chunks = [{"choices": [{"text": text, "finish_reason": None}]} for text in texts]
    chunks[-1]["choices"][0]["finish_reason"] = finish
    chunks[-1]["usage"] = {
        "prompt_tokens": 12,
        "completion_tokens": len(texts),
        "prompt_tokens_details": {"cached_tokens": 9},
    }
    chunks[-1]["timings"] = {"predicted_n": len(texts)}
    return chunks


def test_a_stream_becomes_one_completion():
    stream = _Stream(chat=False, cancelled=threading.Event())
    assert not any(stream.receive(c) for c in completion_chunks([" Par", "is."], "length"))
    completion = stream.completion()
    assert completion.text == " Paris."
    assert (completion.input_tokens, completion.output_tokens) == (12, 2)
    assert completion.cached_input_tokens == 9
    assert completion.stop_reason == "max_tokens"
    assert completion.details == {"timings": {"predicted_n": 2}}


def test_a_chat_stream_reads_the_deltas_and_the_separate_usage_chunk():
    stream = _Stream(chat=True, cancelled=threading.Event())
    chunks = [
        {"choices": [{"delta": {"content": "Hel"}, "finish_reason": None}]},
        {"choices": [{"delta": {"content": "lo"}, "finish_reason": None}]},
        {"choices": [{"delta": {}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 2}},
    ]
    for chunk in chunks:
        stream.receive(chunk)
    completion = stream.completion()
    assert (completion.text, completion.stop_reason) == ("Hello", "stop")
    assert completion.cached_input_tokens == 0


def test_a_cancelled_request_asks_llama_cpp_to_stop():
    cancelled = threading.Event()
    stream = _Stream(chat=False, cancelled=cancelled)
    first, second = completion_chunks(["a", "b"], "length")
    assert stream.receive(first) is False
    cancelled.set()
    assert stream.receive(second) is True


def test_an_error_from_llama_cpp_is_raised_with_its_message():
    stream = _Stream(chat=False, cancelled=threading.Event())
    error = {"code": 400, "message": "request (40002 tokens) exceeds the available context size"}
    assert stream.receive({"error": error}) is True
    with pytest.raises(LlamaCppError, match="exceeds the available context size"):
        stream.completion()


def test_a_stream_that_ends_without_a_result_is_an_error():
    stream = _Stream(chat=False, cancelled=threading.Event())
    stream.receive({"choices": [{"text": "a", "finish_reason": None}]})
    with pytest.raises(LlamaCppError, match="without a result"):
        stream.completion()
