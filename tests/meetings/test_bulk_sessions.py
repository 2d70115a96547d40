"""A whole-tree period split over several database sessions (``settings.SUMMARY_BULK_SESSIONS``).

What an operator relies on: the split writes exactly the rows of the portable path, each
directive is computed by exactly one session, a failing session leaves the live figures and
nothing behind, and the stages a killed worker left are swept by the next run while those of
a run still going are kept. These tests commit (the helper sessions only see committed data).
"""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from meetings import summaries as S
from meetings import summaries_bulk as bulk
from organizations.actors import system_actor
from resolutions import partitions
from tests.meetings.test_partitions import (
    FEB,
    H1,
    JAN,
    MARCH,
    NOW,
    drop_new_partitions,  # noqa: F401  (fixture)
    period_rows,
    stray_tables,
)
from tests.meetings.test_summaries import random_world, snapshot


def _helper_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("summaries-share")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sessions", [2, 3])
def test_a_period_split_over_sessions_equals_the_portable_path(drop_new_partitions, settings, monkeypatch,  # noqa: F811
                                                               sessions):
    settings.SUMMARY_BULK_SESSIONS = sessions
    random_world(5)
    S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=False)
    portable = snapshot()

    shares_seen: list[bulk.Share] = []
    real_share = bulk._helper_share

    def counted(snapshot_id, t, period, exps, params, share, *rest):
        shares_seen.append(share)
        return real_share(snapshot_id, t, period, exps, params, share, *rest)

    monkeypatch.setattr(bulk, "_helper_share", counted)
    result = S.summaries_compute(actor=system_actor(), start=H1.start, end=H1.end, now=NOW, fast=True)

    assert portable and snapshot() == portable
    # Every period went through the helpers, one share per session.
    assert len(shares_seen) == sessions * len(result.periods)
    assert stray_tables() == [] and _helper_threads() == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_session_leaves_the_live_figures_and_no_stage(drop_new_partitions, settings, monkeypatch):  # noqa: F811
    settings.SUMMARY_BULK_SESSIONS = 2
    random_world(7)
    S.compute_period(MARCH, now=NOW, fast=True)
    before = period_rows(MARCH)
    assert before

    real_write = bulk.write

    def write_or_die(cur, stages, period, params, max_depth):
        if threading.current_thread().name.startswith("summaries-share-1"):
            raise RuntimeError("helper session lost")
        return real_write(cur, stages, period, params, max_depth)

    monkeypatch.setattr(bulk, "write", write_or_die)
    with pytest.raises(RuntimeError, match="helper session lost"):
        S.compute_period(MARCH, now=NOW, fast=True)

    assert period_rows(MARCH) == before
    assert stray_tables() == [] and _helper_threads() == []


@pytest.mark.django_db(transaction=True)
def test_stages_of_a_dead_session_are_swept_and_those_of_a_live_one_kept(drop_new_partitions):  # noqa: F811
    opened: dict[str, dict[str, str]] = {}
    live_may_finish = threading.Event()

    def dies_with_its_stages():
        opened["dead"] = partitions.open_stages(JAN)
        connection.close()  # the process is gone: its session, and so its advisory locks, end

    def keeps_working():
        opened["live"] = partitions.open_stages(FEB)
        live_may_finish.wait(30)
        partitions.close_stages(opened["live"])
        connections.close_all()

    dead = threading.Thread(target=dies_with_its_stages)
    dead.start()
    dead.join(30)
    assert set(stray_tables()) == set(opened["dead"].values())
    live = threading.Thread(target=keeps_working)
    live.start()
    try:
        while "live" not in opened and live.is_alive():
            live.join(0.05)
        # The live run's own opening swept the dead one's stages.
        assert set(stray_tables()) == set(opened["live"].values())
        mine = partitions.open_stages(MARCH)  # and this one keeps the live run's
        assert set(stray_tables()) == {*opened["live"].values(), *mine.values()}
        partitions.close_stages(mine)
    finally:
        live_may_finish.set()
        live.join(30)
    assert stray_tables() == []


@pytest.mark.embedded
def test_shares_split_the_work_evenly_and_miss_no_directive():
    shares = bulk.plan_shares({1: 100, 2: 60, 3: 50, 4: 10}, 2)
    assert [set(s.ids) if s.others is None else None for s in shares][0] in ({1, 4}, {2, 3})
    work = {1: 100, 2: 60, 3: 50, 4: 10}
    loads = [sum(w for d, w in work.items() if s.holds(d)) for s in shares]
    assert sorted(loads) == [110, 110]
    # A directive the plan never heard of (added during the run) still belongs to exactly one share.
    for directive_id in (*work, 999):
        assert sum(s.holds(directive_id) for s in shares) == 1
    assert shares[-1].holds(999)
    everything = bulk.Share()
    assert everything.holds(999) and everything.sql("d") == "true"
    assert shares[0].sql("d").startswith("d IN (") and shares[-1].sql("d").startswith("d NOT IN (")
