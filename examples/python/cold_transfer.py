#!/usr/bin/env python3
"""A cold transfer with plivo_phlo: the agent +14152223333 hands the call on node
b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d of PHLO 3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b over to
+14152225555 (role agent) and leaves. Prints the HTTP status and the response body.

Where it sends the request:

- ``PLIVO_PHLO_BASE_URL`` set (and ``--simulator`` not given): to that runner, with the
  credentials in ``PLIVO_AUTH_ID`` and ``PLIVO_AUTH_TOKEN``. For the real service, set
  ``PLIVO_PHLO_BASE_URL=https://phlorunner.plivo.com``.
- otherwise (or with ``--simulator``): to a PHLO simulator started inside this process, which
  holds the demo PHLO and call; the example then also prints the call's members before and after.
  A missing base URL never falls through to the production service, so running the example by
  accident moves no real call.

    pip install ./python
    python examples/python/cold_transfer.py              # simulator (no base URL set)
    PLIVO_PHLO_BASE_URL=http://127.0.0.1:8089 python examples/python/cold_transfer.py

On failure it prints the error (one line) to stderr and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

import plivo_phlo

PHLO_ID = "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b"
NODE_ID = "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d"


def cold_transfer(client: plivo_phlo.Client) -> plivo_phlo.ActionResponse:
    return client.mpc_cold_transfer(
        PHLO_ID,
        NODE_ID,
        trigger_source="+14152223333",  # the agent handing the call off
        to="+14152225555",  # the new party
        role="agent",
    )
    # The same call with the official SDK's interface (plivo_phlo.RestClient):
    #   phlo = plivo_phlo.RestClient().phlo.get(PHLO_ID)
    #   phlo.multi_party_call(NODE_ID).cold_transfer("+14152223333", "+14152225555")


def members(sim: plivo_phlo.Simulator) -> str:
    node = sim.node(NODE_ID) or {}
    return ", ".join(f"{a} {m['state']}" for a, m in node.get("members", {}).items())


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--simulator",
        action="store_true",
        help="use an in-process simulator even when PLIVO_PHLO_BASE_URL is set",
    )
    args = parser.parse_args(argv)
    try:
        if args.simulator or not os.environ.get("PLIVO_PHLO_BASE_URL"):
            with plivo_phlo.Simulator() as sim, sim.client() as client:
                print(f"simulator at {sim.base_url}")
                print(f"members before: {members(sim)}")
                r = cold_transfer(client)
                print(f"members after:  {members(sim)}")
        else:
            with plivo_phlo.Client() as client:  # PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, PLIVO_PHLO_BASE_URL
                r = cold_transfer(client)
    except plivo_phlo.PhloError as e:
        print(f"cold transfer failed: {e}", file=sys.stderr)
        return 1
    print(f"status: {r.status}")
    print(r.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
