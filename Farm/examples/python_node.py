#!/usr/bin/env python3
"""A minimal third-party SceneFarm node in Python, written from Docs/protocol.md alone.

    python3 Farm/examples/python_node.py --name py1 [--coordinator tcp://127.0.0.1:5555]
        [--work-seconds 1] [--curve-secret py1.key --server-key coord.pub]

What it does (Docs/protocol.md §12): it advertises the `testpattern` generator with shared
storage, so the coordinator sends it tasks of testpattern jobs. testpattern needs no lighting
solve, so this node really completes `lighting` tasks (RESULT with lightingID "none", nothing
written). It cannot write plates, so it declines `generate`, `blend` and `publish` with a
retryable FAILED; the coordinator then prefers another node for them. Before answering it
"works" for --work-seconds, sending PROGRESS and heartbeats, which makes the protocol's timing
visible.

Protocol features it implements: READY/WELCOME, HEARTBEAT both ways (Paranoid Pirate, §4, §8),
reconnect with exponential back-off and a fresh socket, RECONNECT, CANCEL, DRAIN and a SIGTERM
drain ending in BYE (exit 0); SIGINT leaves at once.

Every event is printed as one line on stdout (`WELCOME`, `TASK <job> <task> <attempt>`,
`RESULT …`, `FAILED …`, `BYE`), so scripts and tests can follow it.
"""
import argparse
import json
import os
import signal
import socket as pysocket
import sys
import time
import uuid

import zmq

PROTOCOL, VERSION = b"SCENEFARM", b"1"
COORDINATOR_COMMANDS = {b"WELCOME", b"TASK", b"HEARTBEAT", b"CANCEL", b"DRAIN", b"RECONNECT"}
# Generators whose lighting task has nothing to solve: its result is lightingID "none" (§12).
NO_LIGHTING_SOLVE = {"testpattern"}


def log(*parts):
    print(*parts, flush=True)


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


def task_name(task):
    """lighting, publish, generate-0003, blend-0002 (§5)."""
    if task["kind"] in ("lighting", "publish"):
        return task["kind"]
    return f"{task['kind']}-{task['index']:04d}"


class Node:
    def __init__(self, args):
        self.args = args
        self.context = zmq.Context.instance()
        self.socket = None
        self.interval = 0.5  # until WELCOME says otherwise
        self.liveness = 4
        self.running = {}  # attempt -> {"job", "task", "until"}
        self.draining = False
        self.stop_now = False
        self.ready_sent = None  # when the READY not yet answered by WELCOME went out
        self.recent = []  # the last results and failures sent, repeated after each READY
        signal.signal(signal.SIGTERM, self.on_sigterm)
        signal.signal(signal.SIGINT, self.on_sigint)
        # A parent (a test runner, a queue wrapper) may have started us with these blocked.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    def on_sigterm(self, *_):
        if self.draining:
            self.stop_now = True  # a second SIGTERM leaves at once
        self.draining = True

    def on_sigint(self, *_):
        self.stop_now = True

    # -- sending -------------------------------------------------------------------------

    def send(self, command, body=None):
        self.socket.send_multipart([PROTOCOL, VERSION, command, json.dumps(body or {}).encode()])

    def ready_body(self):
        return {
            "name": self.args.name,
            "slots": self.args.slots,
            "cores": os.cpu_count() or 1,
            "memoryBytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
            "generators": [{
                "name": "testpattern", "version": "1.0.0", "deterministic": True, "conditioningFrames": 0,
                "maxFramesPerCall": 100000, "maxWidth": 16384, "maxHeight": 16384,
            }],
            "storage": "shared",
            "running": sorted(self.running),
            "draining": self.draining,
            "softwareVersion": "python-example-1",
        }

    # -- one connection --------------------------------------------------------------------

    def connect(self):
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 500)
        self.socket.setsockopt(zmq.SNDTIMEO, 5000)
        # A fresh routing id per connection: a ROUTER ignores a reconnect that reuses a live id (§1).
        self.socket.setsockopt(zmq.ROUTING_ID, f"{self.args.name}-{uuid.uuid4().hex[:8]}".encode())
        if self.args.curve_secret:
            self.socket.curve_publickey = read_key(self.args.curve_secret, "public")
            self.socket.curve_secretkey = read_key(self.args.curve_secret, "secret")
            self.socket.curve_serverkey = read_key(self.args.server_key, "public")
        if self.args.coordinator.startswith("tcp://[") or not self.args.coordinator.split("//")[-1].split(":")[0].replace(".", "").isdigit():
            self.socket.ipv6 = True  # [::1] or a host name that may resolve to IPv6 (§10)
        self.socket.connect(self.args.coordinator)
        self.introduce()

    def introduce(self):
        # READY, then the recent results again: one sent while the coordinator restarted is lost,
        # and it takes a repeat only after READY (§4 RECONNECT, §7).
        self.send(b"READY", self.ready_body())
        for command, body in self.recent:
            self.send(command, body)
        self.ready_sent = time.monotonic()

    def session(self):
        """Serves one connection. Returns (finished, heard_from_coordinator)."""
        self.connect()
        heard = False
        last_heard = last_sent = time.monotonic()
        try:
            while True:
                if self.stop_now:
                    return True, heard
                now = time.monotonic()
                self.finish_due_tasks(now)
                if self.draining and not self.running:
                    self.send(b"BYE")
                    log("BYE")
                    time.sleep(0.2)  # let the message leave before the socket closes
                    return True, heard
                if now - last_sent >= self.interval:
                    self.send(b"HEARTBEAT", {"running": sorted(self.running), "draining": self.draining})
                    last_sent = now
                if self.socket.poll(50):
                    frames = self.socket.recv_multipart()
                    last_heard = time.monotonic()
                    heard = True
                    self.handle(frames)
                elif time.monotonic() - last_heard > self.interval * self.liveness:
                    log("coordinator silent; reconnecting")
                    return False, heard
        except zmq.ZMQError as error:
            log(f"connection error: {error}")
            return False, heard
        finally:
            self.socket.close()

    def handle(self, frames):
        # Validate the envelope as §2 asks; an invalid message is dropped without an answer.
        if len(frames) not in (4, 5) or frames[0] != PROTOCOL or frames[1] != VERSION or frames[2] not in COORDINATOR_COMMANDS:
            log(f"dropped an invalid message ({len(frames)} frames)")
            return
        try:
            body = json.loads(frames[3])
        except ValueError:
            log("dropped a message whose body is not JSON")
            return
        command = frames[2]
        if command == b"WELCOME":
            self.ready_sent = None
            self.interval = body.get("heartbeatIntervalMS", 500) / 1000.0
            self.liveness = body.get("liveness", 4)
            log("WELCOME")
        elif command == b"TASK":
            self.begin(body)
        elif command == b"CANCEL":
            # Stop and say nothing more about the attempt (§4).
            if self.running.pop(body.get("attempt"), None) is not None:
                log(f"CANCEL {body.get('attempt')}")
        elif command == b"DRAIN":
            self.draining = True
        elif command == b"RECONNECT":
            # A restarted coordinator answers every message sent before our READY with RECONNECT:
            # one READY answers the whole burst, unless it went unanswered for a liveness window.
            if self.ready_sent is not None and time.monotonic() - self.ready_sent < self.interval * self.liveness:
                return
            log("RECONNECT")
            self.introduce()
        # HEARTBEAT only proves the coordinator is alive.

    # -- tasks -----------------------------------------------------------------------------

    def begin(self, body):
        attempt, job, task = body["attempt"], body["job"], body["task"]
        log(f"TASK {job['id']} {task_name(task)} {attempt}")
        self.running[attempt] = {"job": job, "task": task, "until": time.monotonic() + self.args.work_seconds}
        self.send(b"PROGRESS", {"attempt": attempt, "framesDone": 0})

    def report(self, command, body):
        self.send(command, body)
        self.recent = (self.recent + [(command, body)])[-64:]

    def finish_due_tasks(self, now):
        for attempt, work in list(self.running.items()):
            if now < work["until"]:
                continue
            del self.running[attempt]
            job, task = work["job"], work["task"]
            generator = json.loads(job["specJSON"]).get("generator", {}).get("name", "")
            if task["kind"] == "lighting" and generator in NO_LIGHTING_SOLVE:
                self.report(b"RESULT", {"attempt": attempt, "outcome": {"framesWritten": 0, "files": [], "lightingID": "none"}})
                log(f"RESULT {job['id']} {task_name(task)} {attempt}")
            else:
                error = f"python example node {self.args.name}: {task['kind']} tasks are not implemented here"
                self.report(b"FAILED", {"attempt": attempt, "error": error, "retryable": True})
                log(f"FAILED {job['id']} {task_name(task)} {attempt}")

    def run(self):
        backoff = initial = 0.5
        while True:
            finished, heard = self.session()
            if finished:
                return 0
            if heard:
                backoff = initial
            until = time.monotonic() + backoff
            while time.monotonic() < until:
                if self.stop_now:
                    return 0
                time.sleep(0.05)
            backoff = min(backoff * 2, 32.0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coordinator", default="tcp://127.0.0.1:5555")
    parser.add_argument("--name", default=pysocket.gethostname().split(".")[0] + "-py")
    parser.add_argument("--slots", type=int, default=1)
    parser.add_argument("--work-seconds", type=float, default=1.0, help="how long each task 'works' before its answer")
    parser.add_argument("--curve-secret")
    parser.add_argument("--server-key")
    args = parser.parse_args(argv)
    if bool(args.curve_secret) != bool(args.server_key):
        print("error: --curve-secret and --server-key go together", file=sys.stderr)
        return 2
    return Node(args).run()


if __name__ == "__main__":
    sys.exit(main())
