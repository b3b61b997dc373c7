"""The cluster profile: a dry run without a cluster, and a real run on a one-node SLURM cluster.

The SLURM executor plugin is an optional extra (`pip install .[cluster]`); this test installs it once
into a side environment (.cache/cluster-venv) layered over .venv, so the main install stays lean.
"""

from __future__ import annotations

import os
import shutil
import signal
import site
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, snakemake


@pytest.fixture(scope="session")
def cluster_python() -> str:
    venv = ROOT / ".cache" / "cluster-venv"
    python = venv / "bin" / "python"
    # The side environment depends on the main one (pip resolved against it): rebuild it whenever
    # the main environment was reinstalled, or when the plugin no longer imports.
    main = str((ROOT / ".venv" / ".installed").stat().st_mtime_ns) if (ROOT / ".venv" / ".installed").exists() else ""
    ready = venv / ".ready"
    if ready.exists() and (ready.read_text() != main or subprocess.run(
            [str(python), "-c", "import snakemake_executor_plugin_slurm"], capture_output=True).returncode != 0):
        shutil.rmtree(venv)
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        packages = site.getsitepackages()[0]
        layer = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
        (layer / "zz-main-venv.pth").write_text(f"import site; site.addsitedir({packages!r})\n")
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "snakemake-executor-plugin-slurm"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"could not install snakemake-executor-plugin-slurm: {result.stderr.strip()[-300:]}")
        ready.write_text(main)
    return str(python)


def test_slurm_profile_dry_runs(project, cluster_python):
    result = subprocess.run([cluster_python, "-m", "snakemake", "all", "--profile", "profiles/slurm", "--dry-run"],
                            cwd=project, capture_output=True, text=True, env={**os.environ})
    text = result.stdout + result.stderr
    assert result.returncode == 0, text[-2000:]
    assert "This was a dry-run" in text
    for rule in ("extract", "update", "render", "site", "verdict"):
        assert f"rule {rule}:" in text or f"localrule {rule}:" in text, rule


def test_a_job_a_cluster_executor_starts_runs_beside_the_main_run(project):
    """On a cluster, each job is a `snakemake --mode remote` process reading the same Snakefile while
    the main run holds the project's run lock: it must run the job, not take the lock."""
    from pipeline import runtime

    runtime.claim(project)  # what the main run holds meanwhile
    try:
        result = subprocess.run([sys.executable, "-m", "snakemake", "output/.state/extract.json", "--mode", "remote",
                                 "--cores", "1", "--nolock"], cwd=project, capture_output=True, text=True,
                                env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    finally:
        runtime.release_claim()
    assert result.returncode == 0, result.stdout[-1500:] + result.stderr[-1500:]
    assert (project / "locales" / "templates" / "LC_MESSAGES" / "iv-ketamine-infusion.pot").is_file()


class OneNodeSlurm:
    """A real one-node SLURM cluster from Debian's packages (munged, slurmctld, slurmd) in a temporary
    folder, on free ports; `skip` says why it could not start here."""

    def __init__(self) -> None:
        import tempfile

        self.dir = Path(tempfile.mkdtemp(prefix="slurm-", dir="/tmp"))  # short: a socket path has 108 bytes
        self.pids: list[Path] = []
        self.conf = self.dir / "slurm.conf"
        self.bin = self.dir / "bin"

    def start(self) -> str | None:
        """None when the cluster runs; else the reason it cannot."""
        search = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
        names = ("munged", "mungekey", "slurmctld", "slurmd", "srun", "sinfo")
        tools = {name: shutil.which(name, path=search) for name in names}
        missing = [tool for tool, path in tools.items() if path is None]
        if missing:
            return (f"{', '.join(missing)} not installed (Debian: munge slurmctld slurmd slurm-client;"
                    " make installs them)")
        if os.geteuid() != 0:
            return "the one-node cluster's daemons (slurmd launches jobs as their users) need root here"
        munge = self.dir / "munge"
        munge.mkdir(mode=0o700)
        for folder in ("state", "spool", "log"):
            (self.dir / folder).mkdir()
        key = munge / "munge.key"
        if subprocess.run([str(tools["mungekey"]), "-c", "-k", str(key)], capture_output=True).returncode != 0:
            return "mungekey could not create a key"
        key.chmod(0o600)
        socket_path = munge / "munge.sock"
        result = subprocess.run([str(tools["munged"]), "--force", f"--socket={socket_path}", f"--key-file={key}",
                                 f"--pid-file={munge / 'munged.pid'}", f"--log-file={munge / 'munged.log'}",
                                 f"--seed-file={munge / 'seed'}"], capture_output=True, text=True)
        if result.returncode != 0:
            return f"munged did not start: {result.stderr.strip()[-300:]}"
        self.pids.append(munge / "munged.pid")
        host = subprocess.run(["hostname", "-s"], capture_output=True, text=True).stdout.strip()
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 2
        ctl, node = _free_port(), _free_port()
        self.conf.write_text(
            f"ClusterName=clinic{os.getpid()}\nSlurmctldHost={host}\nSlurmUser=root\nSlurmdUser=root\n"
            f"AuthType=auth/munge\nAuthInfo=socket={socket_path}\nCredType=cred/munge\n"
            f"StateSaveLocation={self.dir / 'state'}\nSlurmdSpoolDir={self.dir / 'spool'}\n"
            f"SlurmctldPidFile={self.dir / 'slurmctld.pid'}\nSlurmdPidFile={self.dir / 'slurmd.pid'}\n"
            f"SlurmctldPort={ctl}\nSlurmdPort={node}\n"
            f"SlurmctldLogFile={self.dir / 'log' / 'slurmctld.log'}\nSlurmdLogFile={self.dir / 'log' / 'slurmd.log'}\n"
            "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSelectType=select/cons_tres\n"
            "SelectTypeParameters=CR_Core_Memory\nMpiDefault=none\nJobAcctGatherType=jobacct_gather/none\n"
            "AccountingStorageType=accounting_storage/none\nReturnToService=2\nMinJobAge=600\n"
            f"NodeName={host} CPUs={os.cpu_count()} RealMemory={memory} State=UNKNOWN\n"
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n")
        env = self.env()
        for daemon, pid in (("slurmctld", "slurmctld.pid"), ("slurmd", "slurmd.pid")):
            result = subprocess.run([str(tools[daemon]), "-f", str(self.conf)], capture_output=True, text=True, env=env)
            if result.returncode != 0:
                return f"{daemon} did not start: {result.stderr.strip()[-300:]}"
            self.pids.append(self.dir / pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = subprocess.run([str(tools["sinfo"]), "-h", "-o", "%T"], capture_output=True, text=True,
                                   env=env).stdout
            if state.strip() == "idle":
                break
            time.sleep(0.5)
        else:
            logs = "".join(p.read_text()[-300:] for p in (self.dir / "log").glob("*.log"))
            return f"the node did not become idle in 30 s: {logs}"
        # The jobstep plugin removes SLURM_* variables (SLURM_CONF too) before its nested `srun`, which then
        # looks for the configuration in /etc/slurm; a shim puts this cluster's back (nothing under /etc changes).
        self.bin.mkdir()
        shim = self.bin / "srun"
        shim.write_text(f'#!/bin/sh\nSLURM_CONF={self.conf} exec {tools["srun"]} "$@"\n')
        shim.chmod(0o755)
        return None

    def env(self) -> dict[str, str]:
        return {**os.environ, "SLURM_CONF": str(self.conf), "PATH": f"{self.bin}:{os.environ.get('PATH', '')}",
                "SOURCE_DATE_EPOCH": "1767225600"}

    def stop(self) -> None:
        for pid_file in reversed(self.pids):
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
            except (OSError, ValueError, IndexError):
                pass
        time.sleep(1)
        shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.long
def test_slurm_one_node_cluster_builds_the_bytes_of_a_local_run(project, cluster_python, tmp_path):
    """`snakemake all --profile profiles/slurm` on a real one-node cluster: extract, update and render run
    as SLURM jobs (their SLURM logs are kept), and the tree equals a local `snakemake all`'s, byte for byte."""
    cluster = OneNodeSlurm()
    reason = cluster.start()
    try:
        if reason:
            pytest.skip(f"no one-node SLURM cluster: {reason}")
        local = tmp_path / "local"
        shutil.copytree(project, local)
        result = subprocess.run([cluster_python, "-m", "snakemake", "all", "--profile", "profiles/slurm",
                                 "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "1",
                                 "--slurm-keep-successful-logs"], cwd=project, capture_output=True, text=True,
                                env=cluster.env(), timeout=900)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        logs = project / ".snakemake" / "slurm_logs"
        for rule in ("extract", "update", "render"):
            assert list((logs / f"rule_{rule}").rglob("*.log")), f"rule {rule} did not run as a SLURM job"
        assert not (logs / "rule_site").exists()  # a local rule
        snakemake(local, "all")
        for folder in ("output/site", "output/preview", "output/reports", "locales"):
            mine = {p.relative_to(project): p.read_bytes() for p in (project / folder).rglob("*") if p.is_file()}
            theirs = {p.relative_to(local): p.read_bytes() for p in (local / folder).rglob("*") if p.is_file()}
            assert mine == theirs, folder
    finally:
        cluster.stop()
