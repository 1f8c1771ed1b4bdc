#!/usr/bin/env python3
"""A third-party Binary Star peer for a SceneFarm coordinator pair, written from Docs/protocol.md §14.

    python3 Farm/examples/python_pair_peer.py --role primary --peer-bind tcp://127.0.0.1:5557 \
        --peer tcp://127.0.0.1:5558 [--seconds 10] [--curve-secret coordinator.key [--peer-key partner.pub]]

It speaks only the pair's own link: a PUB bound on --peer-bind publishing PAIR_STATE every 0.5 s,
and a SUB connected to the partner's --peer-bind. It runs the state machine of §14's table on the
partner's states (it never serves nodes or clients, so CLIENT_REQUEST never happens here and it
holds no job-store lease). Each change is printed as one line, `STATE <from> -> <to>`, and each
partner state as `PEER <state>`, so a test can follow it.

With --curve-secret the link is CURVE as §14 says: the PUB a CURVE server under that key whose
ZAP handler (domain `scenefarm-pair`) admits only the partner's key, the SUB a CURVE client
trusting only the partner's key as server. The partner's key is --peer-key, by default our own.
"""
import argparse
import json
import time

import zmq
import zmq.auth.thread

PROTOCOL, VERSION, COMMAND = b"SCENEFARM", b"1", b"PAIR_STATE"
HEARTBEAT = 0.5
MAX_MESSAGE = 4096

# (state, partner's state) -> next state: §14's table without CLIENT_REQUEST. Dual actives or
# dual passives are the guide's fatal errors; this peer just reports them.
TABLE = {
    ("primary", "backup"): "active",
    ("primary", "active"): "passive",
    ("backup", "active"): "passive",
    ("passive", "primary"): "active",
    ("passive", "backup"): "active",
}


def key_fields(path):
    """`NAME.key` / `NAME.pub` (§10): `name = value` lines split at the first `=`; `#` lines are comments."""
    fields = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or "=" not in line:
                continue
            name, value = line.split("=", 1)
            fields[name.strip()] = value.strip()
    return fields


class OnlyPartner:
    """ZAP credentials check: admit exactly the partner's key (pyzmq passes it Z85-encoded, as bytes)."""

    def __init__(self, partner_z85):
        self.partner = partner_z85.encode()

    def callback(self, domain, key):
        return domain == "scenefarm-pair" and key == self.partner


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", choices=["primary", "backup"], required=True)
    parser.add_argument("--peer-bind", required=True)
    parser.add_argument("--peer", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--curve-secret")
    parser.add_argument("--peer-key")
    args = parser.parse_args()

    context = zmq.Context()
    pub = context.socket(zmq.PUB)
    pub.linger = 0
    sub = context.socket(zmq.SUB)
    sub.linger = 0
    if args.curve_secret:
        own = key_fields(args.curve_secret)
        partner = key_fields(args.peer_key)["public"] if args.peer_key else own["public"]
        # The ZAP handler must run before the CURVE server binds, or libzmq admits everyone.
        auth = zmq.auth.thread.ThreadAuthenticator(context)
        auth.start()
        auth.configure_curve_callback(domain="scenefarm-pair", credentials_provider=OnlyPartner(partner))
        pub.curve_server = True
        pub.curve_secretkey = own["secret"].encode()
        pub.zap_domain = b"scenefarm-pair"
        sub.curve_secretkey = own["secret"].encode()
        sub.curve_publickey = own["public"].encode()
        sub.curve_serverkey = partner.encode()
    pub.bind(args.peer_bind)
    sub.maxmsgsize = MAX_MESSAGE
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(args.peer)

    state = args.role
    print(f"STARTED {state}", flush=True)
    end = time.monotonic() + args.seconds
    next_publish = 0.0
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_publish:
            body = json.dumps({"role": args.role, "state": state}).encode()
            pub.send_multipart([PROTOCOL, VERSION, COMMAND, body])
            next_publish = now + HEARTBEAT
        if sub.poll(timeout=50):
            frames = sub.recv_multipart()
            # §2's checks; anything else is dropped unanswered.
            if len(frames) != 4 or frames[0] != PROTOCOL or frames[1] != VERSION or frames[2] != COMMAND:
                continue
            try:
                peer = json.loads(frames[3])["state"]
            except (ValueError, KeyError, TypeError):
                continue
            print(f"PEER {peer}", flush=True)
            if (state, peer) in (("active", "active"), ("passive", "passive")):
                print(f"FATAL dual {state}s", flush=True)
            elif (state, peer) in TABLE:
                print(f"STATE {state} -> {TABLE[(state, peer)]}", flush=True)
                state = TABLE[(state, peer)]
    print(f"FINISHED {state}", flush=True)


if __name__ == "__main__":
    main()
