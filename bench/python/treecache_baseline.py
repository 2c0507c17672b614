"""kazoo TreeCache floor for the sync benchmark.

After the session is connected, start kazoo.recipe.cache.TreeCache on R/workers and time until its
INITIALIZED event (every node of the subtree read, with watches). Prints one JSON line; connectMs and
afterConnectMs exclude interpreter start and session connect (bench sync). For bench cold-start it also
gives wall-clock times (ms since the epoch, the clock of the parent process too): importStartAt (this
file starts running, before kazoo is imported), mainAt, connectedAt and initializedAt, so that the parent
times process start -> INITIALIZED itself.
Usage: /usr/bin/python3 treecache_baseline.py connectString root expectedWorkers
"""
import time

IMPORT_START_AT = time.time() * 1000

import json
import logging
import sys
import threading

from kazoo.client import KazooClient
from kazoo.recipe.cache import TreeCache, TreeEvent


def main():
    connect_string, root, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    logging.basicConfig(level=logging.ERROR)
    main_at = time.time() * 1000
    started = time.perf_counter()
    client = KazooClient(hosts=connect_string, timeout=10.0)
    client.start(timeout=30)
    connected = time.perf_counter()
    connected_at = time.time() * 1000

    initialized = threading.Event()
    done_at = [0.0]
    initialized_at = [0.0]

    def listener(event):
        if event.event_type == TreeEvent.INITIALIZED and not initialized.is_set():
            done_at[0] = time.perf_counter()
            initialized_at[0] = time.time() * 1000
            initialized.set()

    cache = TreeCache(client, root + "/workers")
    cache.listen(listener)
    cache.start()
    if not initialized.wait(300):
        raise SystemExit("TreeCache did not initialize")
    children = len(cache.get_children(root + "/workers") or [])
    if children < expected:
        raise SystemExit("%d children, expected %d" % (children, expected))
    print(json.dumps({
        "connectMs": (connected - started) * 1000,
        "afterConnectMs": (done_at[0] - connected) * 1000,
        "children": children,
        "importStartAt": IMPORT_START_AT,
        "mainAt": main_at,
        "connectedAt": connected_at,
        "initializedAt": initialized_at[0],
    }))
    sys.stdout.flush()
    cache.close()
    client.stop()
    client.close()


if __name__ == "__main__":
    main()
