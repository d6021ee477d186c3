"""The issue's must-show, with real processes: node vpcp backed up mid-flood (``node backup``
while it serves; here ``backup_home`` in the test's process, the bench runs the command), then destroyed (``kill -9``, its home deleted), restored from the backup into
a new home (``node restore``) and started again while the flood goes on. At the end every
document sent to vpcp is in its inbox exactly once; every document vpcp had accepted is
either taken back from its peer (the resync) or reported unaccounted for and then sent again,
and reaches the peer exactly once; both message logs are one unbroken chain.
(``bench/backup_bench.py`` runs it bigger and times it.)"""

from __future__ import annotations

from pathlib import Path

from node.backup_scenario import run_backup_scenario
from node.e2e_network import e2e_network
from node.fault_scenario import FAULT_OPTIONS

PER_SHARE = 12


def test_a_node_restored_from_a_mid_flood_backup_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    for net in e2e_network("sqlite", tmp_path, options=FAULT_OPTIONS):
        counts = run_backup_scenario(net, per_share=PER_SHARE, cli=False)  # the CLI: backup_bench.py
        print(counts.line())
        assert counts.exactly_once, counts.line()
        assert counts.chains_intact, counts.line()
        assert counts.to_restored == 3 * PER_SHARE and counts.from_restored == 2 * PER_SHARE + PER_SHARE // 3
        assert counts.unaccounted >= PER_SHARE // 3  # accepted as the node died: no peer held them
