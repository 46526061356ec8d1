"""Visual planning: in distribution vs out of distribution (raw, and with trivially matching
OOD maps removed), and success over map size; upstream's parser beside ours, as the task logs
them, so the numbers compare with the paper's."""

from __future__ import annotations

from collections import defaultdict

from trustbench.report.views import (
    ReportData,
    Run,
    Section,
    Table,
    Text,
    TidyRow,
    breakdown_blocks,
    by_field,
    by_masks,
    line_plot,
    metadata_column,
    slug,
    text_cell,
    value_cell,
)

DEFAULT_ID_MAX_SIZE = 6
QUALITY = {"optimality": "optimality (solved maps)", "format_error_rate": "format error rate"}
"""Metrics of the task's `planning_breakdown` that are not success rates: shown as logged."""
PARSERS = {
    "accuracy": ("ours", "all maps"),
    "id": ("ours", "ID"),
    "ood_raw": ("ours", "OOD raw"),
    "ood_controlled": ("ours", "OOD controlled"),
    "upstream_accuracy": ("upstream", "all maps"),
    "upstream_id": ("upstream", "ID"),
    "upstream_ood_raw": ("upstream", "OOD raw"),
    "upstream_ood_controlled": ("upstream", "OOD controlled"),
    "parser_disagreement": ("disagreement", "all maps"),
    "tolerant_only": ("disagreement", "solved by ours only"),
    "upstream_only": ("disagreement", "solved by upstream's only"),
}
"""The task's logged success rates by parser: ours (tolerant, the headline) and upstream's
(every U/D/L/R letter in the last box, as the paper scored), and how often they disagree."""

SPLITS = {
    "ID": lambda s: metadata_column(s, "split") == "id",
    "OOD raw": lambda s: metadata_column(s, "split") == "ood",
    "OOD controlled": lambda s: (
        (metadata_column(s, "split") == "ood") & ~metadata_column(s, "trivial").isin([True])
    ),
}


def _quality_table(runs: list[Run], data: ReportData) -> Table:
    rows = [
        [text_cell(label), *(value_cell(run.metrics.get(name), data.href(run)) for run in runs)]
        for name, label in QUALITY.items()
    ]
    headers = ["metric", *(run.model for run in runs)]
    links = [None, *(data.href(run) for run in runs)]
    return Table("Plan quality (as logged)", headers, rows, column_links=links)


def _parser_table(label: str, runs: list[Run], data: ReportData) -> tuple[Table, list[TidyRow]]:
    rows, tidy = [], []
    for name, (parser, group) in PARSERS.items():
        values = [run.metrics.get(name) for run in runs]
        if all(v is None for v in values):
            continue
        cells = [text_cell(parser), text_cell(group)]
        cells += [value_cell(v, data.href(run)) for v, run in zip(values, runs, strict=True)]
        rows.append(cells)
        tidy += [
            TidyRow("parsers", label, run.model, f"{parser} parser", f"maps={group}", v)
            for v, run in zip(values, runs, strict=True)
            if v is not None
        ]
    headers = ["parser", "maps", *(run.model for run in runs)]
    links = [None, None, *(data.href(run) for run in runs)]
    note = (
        "Success rates as logged by the task. Upstream's parser keeps every U/D/L/R letter of "
        "the last \\boxed{} (as the paper scored); ours reads the moves and refuses stray words."
    )
    return Table(f"{label}: success by parser", headers, rows, note, links), tidy


def planning_view(data: ReportData, runs: list[Run]) -> list[Section]:
    by_label: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_label[run.label].append(run)
    sections = []
    for label, group in sorted(by_label.items()):
        metric = data.value_name(group[0])
        id_max = int(group[0].log.eval.task_args.get("id_max_size", DEFAULT_ID_MAX_SIZE))
        section = Section(f"{label}: in vs out of distribution", slug(f"ood-{label}"))
        section.blocks.append(
            Text(
                f"Maps up to {id_max}×{id_max} are in distribution (ID). OOD controlled leaves out "
                "OOD maps whose start, goal and an optimal path fit in an ID-sized window."
            )
        )
        splits = by_masks(data, group, "distribution", SPLITS)
        blocks, section.rows = breakdown_blocks(
            data,
            group,
            splits,
            task=label,
            title=f"{label}: {metric} in vs out of distribution",
            metric=metric,
            plot=False,
        )
        section.blocks += blocks
        parsers, tidy = _parser_table(label, group, data)
        if parsers.rows:
            section.blocks.append(parsers)
            section.rows += tidy
        section.blocks.append(_quality_table(group, data))
        sizes = by_field(data, group, "size")
        series = sizes.series(group)
        if sizes.numeric and any(series.values()):
            section.blocks.append(
                line_plot(
                    f"{label}: {metric} by map size",
                    series,
                    "map size (n × n)",
                    f"{metric} (95 % CI)",
                    boundary=(id_max + 0.5, "ID | OOD"),
                )
            )
        sections.append(section)
    return sections
