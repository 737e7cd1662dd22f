"""A runbook that misbehaves on purpose, one way per `mode` parameter.

The engine's tests run each mode and assert its precise outcome, then run a
well-behaved execution to prove the engine is still healthy.
"""

import os
import time

import wolfe


def spin(_ctx):
    while True:
        pass


def sleep(ctx):
    time.sleep(ctx.params.get("seconds", 60))
    return "woke up"


def log_sleep_log(ctx):
    """Logs `before sleep <i>` then sleeps `ms` milliseconds, `rounds` times;
    then logs `after sleep` and returns, or spins when `then` is "spin"."""
    ms = ctx.params.get("ms", 1000)
    for i in range(ctx.params.get("rounds", 1)):
        wolfe.log.info(f"before sleep {i}", round=i)
        time.sleep(ms / 1000)
    wolfe.log.info("after sleep")
    if ctx.params.get("then") == "spin":
        spin(ctx)
    return "slept"


def allocate(_ctx):
    hoard = []
    while True:
        hoard.append(bytearray(1 << 20))


def recurse(_ctx):
    def down(n):
        return down(n + 1) + 1

    return down(0)


def huge_output(ctx):
    return "x" * ctx.params.get("bytes", 4 << 20)


def log_flood(ctx):
    for i in range(ctx.params.get("lines", 100_000)):
        wolfe.log.info("flood", line=i)
    return "flooded"


def print_flood(ctx):
    for i in range(ctx.params.get("lines", 100_000)):
        print("printed line", i)
    return "printed"


def read_passwd(_ctx):
    # Report what happened rather than raise, so the test sees the attempt.
    try:
        with open("/etc/passwd") as f:
            return {"read": f.read()}
    except OSError as e:
        return {"error": type(e).__name__}


def read_env(_ctx):
    return {"environ": dict(os.environ)}


def open_socket(_ctx):
    try:
        import socket

        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(1)
        s.connect(("127.0.0.1", 22))
        return {"connected": True}
    except Exception as e:  # noqa: BLE001 - any refusal is the expected result
        return {"connected": False, "error": f"{type(e).__name__}: {e}"}


def raise_error(_ctx):
    def inner():
        raise ValueError("broker 3 is on fire")

    inner()


def echo(ctx):
    return {"params": ctx.params}


MODES = {
    "spin": spin,
    "sleep": sleep,
    "log_sleep_log": log_sleep_log,
    "allocate": allocate,
    "recurse": recurse,
    "huge_output": huge_output,
    "log_flood": log_flood,
    "print_flood": print_flood,
    "read_passwd": read_passwd,
    "read_env": read_env,
    "open_socket": open_socket,
    "raise": raise_error,
    "echo": echo,
}


@wolfe.runbook
def handle(ctx, events):
    return MODES[ctx.params["mode"]](ctx)
