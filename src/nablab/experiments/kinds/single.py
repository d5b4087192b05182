"""Shared plumbing of the experiment kinds that run once and write one data file."""

from __future__ import annotations

from ..common import read_json, write_json

DATA = "data.json"


def tasks(spec):
    return [("main", 0)]


def done(spec, task, out) -> bool:
    return (out / DATA).exists()


def save(out, data: dict) -> str:
    write_json(out / DATA, data)
    return "finished"


def summarize(spec, out) -> dict:
    return read_json(out / DATA)
