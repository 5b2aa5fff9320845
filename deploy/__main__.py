"""Backprop Lab for a class on one machine: N Streamlit replicas behind HAProxy, in one command.

    python -m deploy                      # one replica per core; learners open http://THIS-HOST:8501
    python -m deploy --replicas 4 --bind 127.0.0.1:8080

A replica that crashes is started again (its learners are told to press Play).  Ctrl-C or SIGTERM
stops HAProxy, then every replica.  Needs Debian's haproxy (``apt-get install -y haproxy``).
"""

from __future__ import annotations

import argparse
import os
import signal
import time

from deploy.cluster import Cluster


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="Streamlit processes (default: one per core)")
    parser.add_argument("--bind", default="*:8501", help="where learners connect, host:port (default *:8501)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # docker stop, systemd: as clean as Ctrl-C
    cluster = Cluster(args.replicas, args.bind, quiet=False)
    try:
        cluster.start()
        port = args.bind.rsplit(":", 1)[1]
        print(f"\nBackprop Lab: {args.replicas} replicas behind HAProxy. Learners open http://<this host>:{port}"
              " (Ctrl-C stops everything)\n", flush=True)  # fmt: skip
        while cluster.haproxy.poll() is None:
            for name in cluster.revive():
                print(f"replica {name} had stopped: started again", flush=True)
            time.sleep(1)
        raise SystemExit("haproxy stopped")
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
