"""The measurement the benchmark scripts share: one shell command's wall time and peak memory."""
import subprocess
import sys


def timed(cmd):
    """Wall seconds and peak resident MiB of a shell command, by GNU time; exits on failure."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", "sh", "-c", cmd], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {cmd}\n{out.stderr}")
    wall, kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024
