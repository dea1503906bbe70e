"""gunicorn settings of the cluster's application hosts (besides the command line's).

A worker dies with its master (PR_SET_PDEATHSIG), as under systemd, where the master's death
ends the service's whole control group: a master SIGKILLed is the host's app gone, not orphaned
workers serving on until each notices that its parent changed.
"""

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def post_fork(server, worker):
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
