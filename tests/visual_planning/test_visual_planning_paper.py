"""Comparable with the paper: upstream's parser scored beside ours (and where they disagree),
upstream's decoding defaults, map files filtered and capped as asked with every map left out
listed, upstream's prompt at run time, and an echo that scores exactly 0."""

import json
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import ContentImage, ContentText, get_model

import trustbench._registry  # noqa: F401 - registers scripted/ and the reference models
from trustbench.environments.gridworld import GridMap, shortest_path
from trustbench.providers.scripted import register_reference_model
from trustbench.tasks.upstream_text import LoadedText
from trustbench.tasks.visual_planning import visual_planning
from trustbench.tasks.visual_planning.prompts import PlanningPrompt
from trustbench.tasks.visual_planning.upstream_prompts import PIN


def plan(metadata) -> list[str]:
    return [m.value for m in shortest_path(GridMap.from_map_desc(metadata["map_desc"])) or []]


def arrows(messages, metadata, rng) -> str:
    """LaTeX arrows between moves: ours reads the plan, upstream's reads `\\rightarrow` as R R R."""
    return "\\boxed{" + " \\rightarrow ".join(plan(metadata)) + "}"


def labelled(messages, metadata, rng) -> str:
    """A label in the box: ours refuses the word, upstream's keeps only U/D/L/R letters."""
    return "\\boxed{Moves: " + ", ".join(plan(metadata)) + "}"


register_reference_model("test-arrows", arrows)
register_reference_model("test-labelled", labelled)


def metrics(log):
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


def run(task, model):
    [log] = eval(task, model=get_model(model), display="none")
    assert log.status == "success", log.error
    return log


@pytest.fixture(scope="module")
def small_task():
    return visual_planning(sizes=[3, 4, 7], n_per_size=8, id_max_size=4)


def test_upstream_accuracy_is_reported_beside_ours_with_its_breakdown(small_task):
    m = metrics(run(small_task, "scripted/gridworld-bfs"))
    for name in ("accuracy", "id", "ood_raw", "ood_controlled"):
        assert m[name] == 1.0
    for name in ("upstream_accuracy", "upstream_id", "upstream_ood_raw", "upstream_ood_controlled"):
        assert m[name] == 1.0
    assert m["parser_disagreement"] == 0.0


def test_the_parsers_disagree_in_both_directions_and_it_is_counted(small_task):
    ours = metrics(run(small_task, "scripted/test-arrows"))
    assert ours["accuracy"] == 1.0 and 0.0 < ours["upstream_accuracy"] < 1.0
    assert ours["tolerant_only"] == pytest.approx(1 - ours["upstream_accuracy"])
    assert ours["upstream_only"] == 0.0
    assert ours["parser_disagreement"] == pytest.approx(ours["tolerant_only"])
    theirs = metrics(run(small_task, "scripted/test-labelled"))
    assert theirs["accuracy"] == 0.0 and theirs["upstream_accuracy"] == 1.0
    assert theirs["upstream_only"] == 1.0 and theirs["parser_disagreement"] == 1.0


@pytest.mark.parametrize("representation", ["grid", "table", "description", "coordinates"])
def test_an_echo_scores_exactly_zero_by_both_parsers(representation):
    task = visual_planning(representation=representation, sizes=[3, 7], n_per_size=5)
    m = metrics(run(task, "scripted/echo"))
    assert m["accuracy"] == 0.0 and m["upstream_accuracy"] == 0.0
    assert m["format_error_rate"] == 1.0


def test_an_echo_after_worked_demonstrations_scores_zero():
    task = visual_planning(sizes=[4], n_per_size=5, shots=2, cot="grid_description")
    m = metrics(run(task, "scripted/echo"))
    assert m["accuracy"] == 0.0 and m["upstream_accuracy"] == 0.0


def test_decoding_defaults_are_upstream_s():
    text = visual_planning(sizes=[3], n_per_size=1)
    image = visual_planning(sizes=[3], n_per_size=1, representation="image")
    assert (text.config.temperature, text.config.top_p, text.config.seed) == (0.7, 0.9, 42)
    assert text.config.max_tokens == 4096 and image.config.max_tokens == 16192
    assert text.metadata["generator_seed"] == 42
    assert visual_planning(sizes=[3]).metadata["n_per_size"] == 100


def write_maps(tmp_path: Path, rows) -> Path:
    file = tmp_path / "maps.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return file


def square(size: int, map_id: str) -> dict:
    desc = [[0] * size for _ in range(size)]
    desc[0][0], desc[size - 1][size - 1] = 1, 2
    return {"map_id": map_id, "map_desc": desc}


MAPS = [square(3, "a3"), square(3, "b3"), square(3, "c3"), square(7, "a7"), square(8, "a8")]


def test_map_files_are_filtered_by_sizes_and_capped_by_n_per_size(tmp_path):
    file = write_maps(tmp_path, [*MAPS, {"map_id": "bad", "map_desc": [[1, 2]]}])
    task = visual_planning(map_file=str(file), sizes=[3, 7], n_per_size=2, on_invalid="skip")
    assert [s.id for s in task.dataset] == ["a3", "b3", "a7"]
    reasons = {item["map"]: item["reason"] for item in task.metadata["skipped"]}
    assert reasons["c3"] == "beyond n_per_size=2 maps of size 3"
    assert reasons["a8"] == "size 8 is not in sizes=[3, 7]"
    assert reasons["maps.jsonl:6"].startswith("map is 1 rows x 2 columns")
    assert task.metadata["skipped_maps"] == 3


def test_a_map_file_split_and_window_filter_list_what_they_leave_out(tmp_path):
    file = write_maps(tmp_path, MAPS)
    task = visual_planning(map_file=str(file), split="ood")
    assert [s.id for s in task.dataset] == ["a7", "a8"]
    assert {i["map"]: i["reason"] for i in task.metadata["skipped"]}["a3"] == (
        "an ID map, and split=ood"
    )
    everything = visual_planning(map_file=str(file))
    assert [s.id for s in everything.dataset] == ["a3", "b3", "c3", "a7", "a8"]
    assert everything.metadata["skipped"] == []


def test_an_unused_reasoning_format_under_upstream_prompts_is_refused():
    with pytest.raises(ValueError, match="cot=grid would change nothing"):
        visual_planning(prompts="upstream", cot="grid", sizes=[3], n_per_size=1)


STAND_IN = LoadedText(
    PIN.name, "Plan it.\nHere is the map: <image>\n\nAnswer in \\boxed{}.", "-", "x"
)


def test_the_upstream_prompt_puts_the_map_where_its_image_stands():
    prompt = PlanningPrompt(STAND_IN)
    grid = GridMap.from_map_desc(square(3, "a")["map_desc"])
    text = prompt.message(grid, "grid", None).text
    assert text.startswith("Plan it.\nHere is the map: \nThe map is a grid")
    assert "\nP . .\n. . .\n. . G\n\nAnswer in \\boxed{}." in text
    image = prompt.message(grid, "image", None).content
    assert [type(c) for c in image] == [ContentText, ContentImage, ContentText]
    assert image[0].text.endswith("Here is the map: ") and image[2].text.startswith("\n\nAnswer")
    assert prompt.record() == {"prompts": "upstream", "texts": [STAND_IN.record()]}


def test_upstream_prompt_from_the_mirror_scores_an_echo_zero(upstream_mirror):
    if not (upstream_mirror / PIN.mirror_path).is_file():
        pytest.skip(f"the mirror has no {PIN.mirror_path} (the extracted upstream prompt)")
    task = visual_planning(
        prompts="upstream", data_dir=str(upstream_mirror), sizes=[3, 7], n_per_size=4
    )
    assert task.metadata["prompts"]["texts"][0]["origin"].startswith("mirror:")
    assert "As a professional maze solver" in task.dataset[0].input[-1].text
    m = metrics(run(task, "scripted/echo"))
    assert m["accuracy"] == 0.0 and m["upstream_accuracy"] == 0.0
    assert metrics(run(task, "scripted/gridworld-bfs"))["accuracy"] == 1.0
