"""The plugin's report view: how many samples each model said the word in, as a table."""

from trustbench.report.views import ReportData, Run, Section, Table, slug, text_cell, value_cell


def greeting_view(data: ReportData, runs: list[Run]) -> list[Section]:
    rows = [
        [text_cell(run.model), value_cell(float(data.samples_of(run)["value"].sum()))]
        for run in runs
    ]
    table = Table("Samples said back", ["model", "samples"], rows)
    return [Section("greeting: samples said back", slug("greeting-said-back"), [table])]
