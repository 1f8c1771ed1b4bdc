#!/usr/bin/env python3
"""Submit a shot to a SceneFarm coordinator and wait for it, from Docs/protocol.md alone.

    python3 Farm/examples/python_client.py shot.yaml [--coordinator tcp://127.0.0.1:5556]
        [--plate-version next] [--overlap N] [--curve-secret me.key --server-key coord.pub]

Prints the job id, then one progress line per change, then the published folder.
Exit codes match `scenefarm submit --wait`: 0 published, 1 failed or cancelled,
2 bad input (the coordinator refused the spec), 3 coordinator unreachable.

Protocol (Docs/protocol.md §1, §2, §9): a DEALER socket; every message is the frames
[b"SCENEFARM", b"1", COMMAND, JSON object]; each request carries a "request" id that the
REPLY or ERROR echoes, and replies to any other id are discarded.
"""
import argparse
import getpass
import json
import os
import sys
import time
import uuid

import zmq

PROTOCOL, VERSION = b"SCENEFARM", b"1"
FINAL_STATES = {"done", "failed", "cancelled"}


class Refused(Exception):
    """The coordinator answered ERROR."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Unreachable(Exception):
    """No answer within the timeout."""


def read_key(path, field):
    """Reads `field = Z85` from a scenefarm keygen file (split at the first '=', §10)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("#") or "=" not in line:
                continue
            name, value = line.split("=", 1)
            if name.strip() == field:
                return value.strip().encode()
    raise SystemExit(f"error: {path}: no '{field} = KEY' line")


class Client:
    def __init__(self, endpoint, timeout, curve_secret=None, server_key=None):
        self.endpoint = endpoint
        self.timeout = timeout
        self.context = zmq.Context.instance()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 200)
        if curve_secret:
            self.socket.curve_publickey = read_key(curve_secret, "public")
            self.socket.curve_secretkey = read_key(curve_secret, "secret")
            self.socket.curve_serverkey = read_key(server_key, "public")
        if endpoint.startswith("tcp://[") or not endpoint.split("//")[-1].split(":")[0].replace(".", "").isdigit():
            self.socket.ipv6 = True  # [::1] or a host name that may resolve to IPv6 (protocol.md §10)
        self.socket.connect(endpoint)

    def call(self, command, body):
        """Sends one request and returns the matching REPLY body; raises Refused or Unreachable."""
        request = str(uuid.uuid4())
        body = dict(body, request=request)
        self.socket.send_multipart([PROTOCOL, VERSION, command.encode(), json.dumps(body).encode()])
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.socket.poll(int(left * 1000)):
                raise Unreachable(f"no answer from the coordinator at {self.endpoint} within {self.timeout:g} s; is it running?")
            frames = self.socket.recv_multipart()
            if len(frames) not in (4, 5) or frames[0] != PROTOCOL or frames[1] != VERSION:
                continue  # not a SceneFarm v1 message: ignore it, as the coordinator would
            reply = json.loads(frames[3])
            if frames[2] == b"ERROR":
                # An empty request id means the coordinator could not decode our body at all.
                if reply.get("request") in (request, ""):
                    raise Refused(reply.get("code", "failure"), reply.get("message", ""))
                continue
            if frames[2] == b"REPLY" and reply.get("request") == request:
                return reply

    def submit(self, spec_path, plate_version=None, overlap=None):
        with open(spec_path, encoding="utf-8") as handle:
            text = handle.read()
        body = {
            "specText": text,
            "specName": spec_path,
            "baseDirectory": os.path.dirname(os.path.abspath(spec_path)),
            "owner": os.environ.get("USER") or getpass.getuser(),
        }
        # Optional fields are omitted rather than sent as null (§3).
        if plate_version is not None:
            body["plateVersion"] = plate_version
        if overlap is not None:
            body["overlap"] = overlap
        return self.call("SUBMIT", body)["job"]

    def status(self, job):
        jobs = self.call("STATUS", {"job": job}).get("jobs") or []
        if not jobs:
            raise Refused("bad_input", f"no job '{job}'")
        return jobs[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", help="shot spec, YAML or JSON")
    parser.add_argument("--coordinator", default=os.environ.get("SCENEFARM_COORDINATOR", "tcp://127.0.0.1:5556"))
    parser.add_argument("--plate-version")
    parser.add_argument("--overlap", type=int)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between STATUS requests")
    parser.add_argument("--curve-secret")
    parser.add_argument("--server-key")
    args = parser.parse_args(argv)
    if bool(args.curve_secret) != bool(args.server_key):
        print("error: --curve-secret and --server-key go together", file=sys.stderr)
        return 2
    if not os.path.isfile(args.spec):
        print(f"error: {args.spec}: no such file", file=sys.stderr)
        return 2

    client = Client(args.coordinator, args.timeout, args.curve_secret, args.server_key)
    try:
        job = client.submit(args.spec, args.plate_version, args.overlap)
        print(job, flush=True)
        last = None
        while True:
            status = client.status(job)
            line = f"{job}: {status['state']} {status['framesDone']}/{status['framesTotal']} frames"
            if line != last:
                print(line, flush=True)
                last = line
            if status["state"] in FINAL_STATES:
                break
            time.sleep(args.poll)
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2 if refused.code == "bad_input" else 1
    except Unreachable as unreachable:
        print(f"error: {unreachable}", file=sys.stderr)
        return 3

    if status["state"] == "done":
        print(f"{job} done: published {status.get('published', '')}")
        return 0
    print(f"error: {job} {status['state']}: {status.get('error', 'no error recorded')}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
