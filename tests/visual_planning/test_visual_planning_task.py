"""The visual planning task end to end on scripted models: reference models, metrics, inputs, bad input."""

import json

import pytest
from inspect_ai import eval
from inspect_ai.model import ChatMessageAssistant, ContentImage, get_model

import trustbench._registry  # noqa: F401 - registers scripted/ and the reference models
from trustbench.environments.gridworld import GridMap, MapFormatError, parse_moves
from trustbench.tasks.visual_planning import solver as solver_module
from trustbench.tasks.visual_planning import visual_planning


def run(task, model, **model_args):
    [log] = eval(task, model=get_model(model, **model_args), display="none")
    assert log.status == "success", log.error
    return log


def metrics(log):
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


@pytest.fixture(scope="module")
def all_sizes_task():
    return visual_planning(sizes=[3, 4, 5, 6, 7, 8], n_per_size=12, seed=7)


def test_bfs_oracle_solves_every_map(all_sizes_task):
    m = metrics(run(all_sizes_task, "scripted/gridworld-bfs"))
    assert m["accuracy"] == 1.0
    for key in ["id", "ood_raw", "size_3", "size_8"]:
        assert m[key] == 1.0
    assert m["optimality"] == 1.0
    assert m["format_error_rate"] == 0.0


def test_random_walker_is_well_below(all_sizes_task):
    m = metrics(run(all_sizes_task, "scripted/gridworld-random"))
    assert m["accuracy"] < 0.35
    assert m["format_error_rate"] == 0.0


def test_samples_are_deterministic_and_distinct():
    a = visual_planning(sizes=[3, 7], n_per_size=20, seed=3).dataset
    b = visual_planning(sizes=[3, 7], n_per_size=20, seed=3).dataset
    c = visual_planning(sizes=[3, 7], n_per_size=20, seed=4).dataset
    maps = lambda ds: [json.dumps(s.metadata["map_desc"]) for s in ds]  # noqa: E731
    assert maps(a) == maps(b)
    assert maps(a) != maps(c)
    assert len(set(maps(a))) == 40
    assert {s.metadata["split"] for s in a} == {"id", "ood"}


def test_window_filter_drops_trivial_ood_maps():
    plain = visual_planning(split="ood", sizes=[7], n_per_size=30)
    filtered = visual_planning(split="ood", sizes=[7], n_per_size=30, ood_filter="window")
    trivial = sum(s.metadata["trivial"] for s in plain.dataset)
    assert trivial > 0
    assert len(filtered.dataset) == 30 - trivial
    assert filtered.metadata["trivial_removed"] == trivial
    assert not any(s.metadata["trivial"] for s in filtered.dataset)
    m = metrics(run(plain, "scripted/gridworld-bfs"))
    assert m["ood_controlled"] == 1.0 and "id" not in m


def test_format_errors_are_counted_not_crashes():
    task = visual_planning(sizes=[3], n_per_size=3)
    m = metrics(run(task, "scripted/fixed", text="I am not sure where to go."))
    assert m["accuracy"] == 0.0 and m["format_error_rate"] == 1.0
    flood = "\\boxed{" + ", ".join(["U"] * 5000) + "}"
    m = metrics(run(task, "scripted/fixed", text=flood))
    assert m["format_error_rate"] == 1.0
    m = metrics(run(task, "scripted/fixed", text="\\boxed{UP, JUMP}"))
    assert m["format_error_rate"] == 1.0


@pytest.mark.parametrize("representation", ["description", "table", "grid", "coordinates"])
def test_text_representations_put_the_map_in_the_prompt(representation):
    [sample] = visual_planning(representation=representation, sizes=[4], n_per_size=1).dataset
    prompt = sample.input[-1].text
    assert "\\boxed{" in prompt and "Here is the map:" in prompt
    assert len(prompt) > 400


def test_image_representation_sends_a_png():
    [sample] = visual_planning(representation="image", sizes=[5], n_per_size=1).dataset
    images = [c for c in sample.input[-1].content if isinstance(c, ContentImage)]
    assert len(images) == 1 and images[0].image.startswith("data:image/png;base64,")
    log = run(
        visual_planning(representation="image", sizes=[3], n_per_size=2), "scripted/gridworld-bfs"
    )
    assert metrics(log)["accuracy"] == 1.0


async def test_text_only_models_get_a_clear_error_on_images(monkeypatch):
    monkeypatch.setattr(solver_module, "get_model", lambda: "local/gemma-3-270m")
    solve = solver_module.require_image_input()
    with pytest.raises(ValueError, match="takes text only.*representation=grid"):
        await solve(None, None)


def test_shots_add_worked_demonstrations_from_other_maps():
    task = visual_planning(sizes=[4], n_per_size=5, shots=2, cot="grid_description")
    sample = task.dataset[0]
    assert len(sample.input) == 5
    demo_answer = sample.input[1]
    assert isinstance(demo_answer, ChatMessageAssistant)
    assert "Grid:" in demo_answer.text and parse_moves(demo_answer.text).error is None
    demo_maps = {
        sample.input[0].text.split("Here is the map:")[1],
        sample.input[2].text.split("Here is the map:")[1],
    }
    evaluated = {s.input[-1].text.split("Here is the map:")[1] for s in task.dataset}
    assert not demo_maps & evaluated


def write_maps(tmp_path, rows):
    file = tmp_path / "maps.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return file


GOOD = {"map_id": "a", "map_desc": [[1, 0, 0], [0, -1, 0], [0, 0, 2]]}
NOT_SQUARE = {"map_id": "b", "map_desc": [[1, 0, 2], [0, 0, 0]]}
BIG = {
    "map_id": "c",
    "map_desc": GridMap.from_map_desc(
        [
            [1 if (r, c) == (0, 0) else 2 if (r, c) == (6, 6) else 0 for c in range(7)]
            for r in range(7)
        ]
    ).to_map_desc(),
}


def test_map_file_is_evaluated(tmp_path):
    task = visual_planning(map_file=str(write_maps(tmp_path, [GOOD, BIG])))
    assert [s.id for s in task.dataset] == ["a", "c"]
    assert [s.metadata["split"] for s in task.dataset] == ["id", "ood"]
    assert metrics(run(task, "scripted/gridworld-bfs"))["accuracy"] == 1.0


def test_bad_map_file_errors_with_line_or_skips_and_counts(tmp_path):
    file = write_maps(tmp_path, [GOOD, NOT_SQUARE])
    with pytest.raises(MapFormatError, match=r"maps.jsonl:2: map is 2 rows x 3 columns"):
        visual_planning(map_file=str(file))
    task = visual_planning(map_file=str(file), on_invalid="skip")
    assert len(task.dataset) == 1 and task.metadata["skipped_maps"] == 1
