"""``lienthong demo``: a whole network on loopback and a day of documents through it, and the
sample check (build, write, read back and check packages, and those in ``samples/``).
"""

from lienthong.demo._logins import PORTAL_ADMIN, ConsoleLogin
from lienthong.demo._network import PLAN, DemoNetwork, NodePlan, start_network
from lienthong.demo._process import Process, free_port, wait_for
from lienthong.demo._samples import DemoResult, demo_packages, run_demo, sample_pdf
from lienthong.demo._traffic import Tally, run_traffic

__all__ = [
    "PLAN",
    "PORTAL_ADMIN",
    "ConsoleLogin",
    "DemoNetwork",
    "DemoResult",
    "NodePlan",
    "Process",
    "Tally",
    "demo_packages",
    "free_port",
    "run_demo",
    "run_traffic",
    "sample_pdf",
    "start_network",
    "wait_for",
]
