"""A Flowlab Dispatch worker in Python: wire protocol v1 (docs/PROTOCOL.md), the seed's worker.
usage: /usr/bin/python3 worker.py ENDPOINT REDIS_URL [WORKER_ID] [--server-key Z85]   (needs pyzmq and redis-py)
--server-key: the lab's CURVE public key, when its endpoint uses CURVE (any non-loopback one does)."""
import json, os, sys, time, zmq, redis
args = sys.argv[1:]
server_key = None
if "--server-key" in args:
    i = args.index("--server-key")
    server_key = args[i + 1]
    del args[i:i + 2]
endpoint, url = args[0], args[1]
me = args[2] if len(args) > 2 else f"py-{os.getpid()}"
r = redis.Redis.from_url(url)
here = os.path.dirname(os.path.abspath(__file__))
mark_and_apply = r.register_script(open(os.path.join(here, "../../src/main/engine/dispatch/lua/markAndApply-2.lua")).read())
sock = zmq.Context().socket(zmq.REP)
if server_key:  # CURVE: the lab's public key, and a key pair of our own
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = server_key.encode(), public, secret
sock.connect(endpoint)
while True:
    frames = sock.recv_multipart()
    try:
        h, w = json.loads(frames[0]), json.loads(frames[1])
        assert len(frames) == 2 and h["v"] == 1
    except Exception as e:
        sock.send_json({"v": 1, "epoch": -1, "worker": me, "status": "failed", "error": repr(e)}); continue
    p, e, mode, status = f"flowlab:{h['lab']}:", h["epoch"], h["semantics"], "done"
    if mode == "exactly-once-atomic":  # work, then mark + effect in one atomic step
        time.sleep(w.get("ms", 0) / 1000)
        status = "done" if mark_and_apply(keys=[f"{p}done:{e}", p + "effects"], args=[me, w.get("ttlMs", 3600000), e]) else "duplicate"
    elif mode == "exactly-once-naive" and r.exists(f"{p}done:{e}"):  # the seed: check ...
        status = "duplicate"
    else:
        time.sleep(w.get("ms", 0) / 1000)
        r.hincrby(p + "effects", e, 1)  # ... work (its one observable effect) ...
        if mode == "exactly-once-naive": r.set(f"{p}done:{e}", me, px=w.get("ttlMs", 3600000))  # ... mark
    sock.send_json({"v": 1, "epoch": e, "worker": me, "status": status})
