"""The transformers engine on a tiny, randomly initialised model directory made here."""

from pathlib import Path

import anyio
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402

from trustbench.providers.local.engine import EngineOptions, load_engine  # noqa: E402
from trustbench.providers.local.generation import Request, Settings  # noqa: E402
from trustbench.providers.local.torch_engine import _StopSequences  # noqa: E402

WORDS = ["<pad>", "<bos>", "<eos>", "<unk>"] + [f"w{i}" for i in range(60)] + ["halt"]


def tiny_tokenizer() -> transformers.PreTrainedTokenizerFast:
    vocab = {word: i for i, word in enumerate(WORDS)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<bos>",
        eos_token="<eos>",
        pad_token="<pad>",
        unk_token="<unk>",
    )


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny-llama")
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(WORDS),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
    )
    transformers.LlamaForCausalLM(config).save_pretrained(path)
    tiny_tokenizer().save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def engine(model_dir):
    return load_engine(model_dir, EngineOptions(engine="transformers", device="cpu"))


PROMPTS = ["w1 w2 w3", "w4", "w5 w6 w7 w8 w9 w10", "w11 w12"]


def test_a_batch_answers_as_each_request_alone_would(engine):
    settings = Settings(max_new_tokens=8)
    requests = [Request(p, (), settings) for p in PROMPTS]
    alone = [engine.generate_batch([r])[0] for r in requests]
    batched = engine.generate_batch(requests)
    assert [c.text for c in batched] == [c.text for c in alone]
    assert all(c.details == {"batch_size": len(PROMPTS)} for c in batched)
    assert [c.input_tokens for c in batched] == [len(p.split()) for p in PROMPTS]


def test_a_stop_sequence_cuts_the_text_and_ends_the_row(engine):
    settings = Settings(max_new_tokens=8)
    free = engine.generate_batch([Request(PROMPTS[0], (), settings)])[0]
    words = free.text.split()
    stop = words[2]
    [cut] = engine.generate_batch([Request(PROMPTS[0], (stop,), settings)])
    assert cut.text == free.text[: free.text.index(stop)]
    assert cut.stop_reason == "stop"
    assert cut.output_tokens < free.output_tokens or free.stop_reason == "stop"


async def test_concurrent_requests_are_batched(engine):
    settings = Settings(max_new_tokens=4)
    completions = {}

    async def one(i: int) -> None:
        completions[i] = await engine.complete(Request(PROMPTS[i], (), settings))

    async with anyio.create_task_group() as group:
        for i in range(len(PROMPTS)):
            group.start_soon(one, i)
    assert {c.details["batch_size"] for c in completions.values()} == {len(PROMPTS)}


def test_the_stop_check_finds_a_stop_sequence_long_after_the_prompt():
    tokenizer = tiny_tokenizer()
    stopper = _StopSequences(tokenizer, prompt_length=2, stops=[("halt",), ()])
    ids = [[1, 4], [1, 5]]
    for step in range(30):
        token = WORDS.index("halt") if step == 25 else 10 + step
        ids = [row + [token] for row in ids]
        done = stopper(torch.tensor(ids), torch.zeros(2, len(WORDS)))
    assert stopper.finished_at == [26, None]
    assert done.tolist() == [True, False]
